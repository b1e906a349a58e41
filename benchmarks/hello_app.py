"""The baseline for benchmarks/load_bench.py: a bare Flask "hello world", served by gunicorn
with the same gunicorn.conf.py as the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
