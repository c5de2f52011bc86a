# Counting: identical (the safe fix no longer builds the list).

data = [(x * 7919) % 10_007 - 5_000 for x in range(10_000)]  # data-sized: 10,000 items


def run():
    return len([x for x in data if x > 0]), len(list(zip(data, data[1:])))


print(run())
