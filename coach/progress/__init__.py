"""Pure skill model: the taxonomy, observations → estimates, gaps and recommendations."""
