"""Pure role-play: debtor personas, case files and dialogue graphs, the engine that answers a
trainee, intent matching, and assessing a run through scoring. Filled by the role-play issue."""
