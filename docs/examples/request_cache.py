"""A service object: lru_cache on a method and a mutated default argument."""
import functools


class PriceService:
    def __init__(self, rates):
        self.rates = rates

    @functools.lru_cache(maxsize=1024)
    def price(self, item, currency):
        return item.base * self.rates[currency]


def collect(event, seen=[]):
    seen.append(event)
    return len(seen)
