"""Speech: decoding uploaded audio, the Transcriber port and its Whisper backends, turns."""
