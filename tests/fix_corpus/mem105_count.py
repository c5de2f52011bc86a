# Counting: identical (the safe fix no longer builds the list).


def run(data):
    return len([x for x in data if x > 0]), len(list(zip(data, data[1:])))


print(run([3, -1, 4, -1, 5]))
