"""Checkpointing: pickling a huge list built in the same function (seed 004)."""
import pickle


def save_index(words, path):
    index = [(word, len(word)) for word in words]
    with open(path, "wb") as handle:
        handle.write(pickle.dumps(index))


def load_index(path):
    with open(path, "rb") as handle:
        return pickle.loads(handle.read())
