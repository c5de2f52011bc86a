from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from analysis_probe import find, probe
from memlint.analysis.serialization import serializer


def calls(rule):
    return [cst.ensure_type(c, cst.Call).func for c in find(rule, m.Call(func=m.Attribute(attr=m.Name(m.MatchRegex("(dump|load)s?"))) | m.Name(m.MatchRegex("(dump|load)s?"))))]


def test_every_import_spelling():
    rule = probe(
        """
        import pickle as pkl
        import json, marshal, _pickle
        from pickle import dumps
        from json import load as jload
        pkl.dumps(x)
        json.dump(x, f)
        marshal.loads(b)
        _pickle.load(f)
        dumps(x)
        """
    )
    assert [serializer(rule, func) for func in calls(rule)] == [
        ("pickle", "dumps"), ("json", "dump"), ("marshal", "loads"), ("pickle", "load"), ("pickle", "dumps"),
    ]


def test_cpickle_fallback_and_unknowns():
    rule = probe(
        """
        try:
            import cPickle as pickle
        except ImportError:
            import pickle
        import yaml
        def dumps(x):
            return x
        pickle.dumps(x)
        yaml.dump(x)
        dumps(x)
        """
    )
    assert [serializer(rule, func) for func in calls(rule)] == [("pickle", "dumps"), None, None]
