"""Pure calibration arithmetic: how far Coach's judgement agrees with a compliance officer's.

No database or web here: ``coach.services.calibration`` feeds in label pairs and stores
verdicts.
"""
