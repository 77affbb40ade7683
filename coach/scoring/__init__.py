"""Pure scoring core: transcripts in, explained scorecards out (no Flask, no database)."""
