"""Sales report: reducers fed with list comprehensions (seed 003)."""
import heapq
from collections import Counter


def summarize(orders):
    revenue = sum([o["price"] * o["qty"] for o in orders])
    top_customers = heapq.nlargest(5, [o["customer"] for o in orders])
    per_city = Counter([o["city"] for o in orders])
    all_paid = all([o["paid"] for o in orders])
    return revenue, top_customers, per_city, all_paid


if __name__ == "__main__":
    rows = [{"price": 2.5, "qty": i % 7, "customer": f"c{i}", "city": "Oslo", "paid": True} for i in range(10_000)]
    print(summarize(rows))
