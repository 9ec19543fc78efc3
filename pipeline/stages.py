"""Warta's stage names, in their natural order (`pipeline.stages` in config.yaml).

`clean` runs before spaCy (a plain `str -> CleanResult` function); every other stage is a
group of spaCy components (see `pipeline.nlp.STAGE_COMPONENTS`).
"""
STAGES = ("clean", "tokenize", "tag", "ner", "stem", "relations")
