"""A nightly sensor report: load each station's readings, smooth them, summarise, archive a sample.

`memlint profile -- python docs/examples/pipeline.py` runs it under tracemalloc and ranks its
antipatterns by the memory they held at the peak (docs/profile.md walks through it).
"""

import glob
import os
import pickle
import tempfile

import numpy as np
import pandas as pd

STATIONS = 20
SAMPLES = 400_000  # readings per station
KERNEL = np.ones(5) / 5


def write_readings(folder):
    rng = np.random.default_rng(7)
    for station in range(STATIONS):
        np.save(os.path.join(folder, f"station-{station:02d}.npy"), rng.normal(size=SAMPLES))
    with open(os.path.join(folder, "stations.csv"), "w") as handle:
        handle.write("station,name\n")
        for station in range(STATIONS):
            handle.write(f"{station},site-{station}\n")


def load_stations(folder):
    names = {}
    with open(os.path.join(folder, "stations.csv")) as handle:
        next(handle)
        for line in handle.readlines():
            station, name = line.strip().split(",")
            names[int(station)] = name
    return names


def smooth(folder):
    smoothed = np.empty(0)
    for path in sorted(glob.glob(os.path.join(folder, "station-*.npy"))):
        values = np.load(path)
        smoothed = np.append(smoothed, np.convolve(values, KERNEL, "same"))
    return smoothed


def summarise(smoothed, names):
    summary = pd.DataFrame(columns=["station", "mean", "peak"])
    for station, name in names.items():
        part = smoothed[station * SAMPLES:(station + 1) * SAMPLES]
        row = pd.DataFrame([{"station": name, "mean": part.mean(), "peak": part.max()}])
        summary = pd.concat([summary, row], ignore_index=True)
    return summary


def archive(smoothed, path):
    sample = [round(value, 3) for value in smoothed[::100]]
    with open(path, "wb") as handle:
        pickle.dump(sample, handle)


def main():
    with tempfile.TemporaryDirectory() as scratch:
        write_readings(scratch)
        smoothed = smooth(scratch)
        summary = summarise(smoothed, load_stations(scratch))
        archive(smoothed, os.path.join(scratch, "sample.pickle"))
    print(summary.sort_values("peak").tail(3).to_string(index=False))


if __name__ == "__main__":
    main()
