"""Simulation loop: arrays grown by np.append and reassigned without del (seed 001)."""
import numpy as np


def simulate(steps, size):
    history = np.empty(0)
    state = np.zeros(size)
    for step in range(steps):
        history = np.append(history, state.mean())
        state = np.random.default_rng(step).normal(size=size)
    return history


def smooth(signal, passes):
    for _ in range(passes):
        signal = signal * 0.5 + 0.25
    return signal
