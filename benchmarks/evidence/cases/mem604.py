"""MEM604: an exception stored on an object keeps its traceback's frames."""

PATTERN = "`self.last_error = e` vs `self.last_error = e.with_traceback(None)`"
SIZE = "5 jobs whose failed call had a 10 MB local"


def work():
    big = bytearray(10_000_000)
    raise ValueError(len(big))


class JobBefore:
    def go(self):
        try:
            self.run()
        except Exception as e:
            self.last_error = e

    def run(self):
        work()


class JobAfter:
    def go(self):
        try:
            self.run()
        except Exception as e:
            self.last_error = e.with_traceback(None)

    def run(self):
        work()


def setup():
    return 5


def before(n):
    jobs = [JobBefore() for _ in range(n)]
    for job in jobs:
        job.go()
    return jobs


def after(n):
    jobs = [JobAfter() for _ in range(n)]
    for job in jobs:
        job.go()
    return jobs
