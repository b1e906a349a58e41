"""One module per seed file; each reads its file into the frozen types of content/model.py."""
