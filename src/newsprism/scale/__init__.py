"""Scaling out on Ray: the NLP of an ingest on a pool of workers, here or on a cluster.

An ingest spends most of its time computing each new article's clustering signals
(spaCy's entities over its opening, MiniLM over its lead: 84% of a 600-article
Multi-News ingest on one machine). That work is a pure function of the article
(:func:`newsprism.store.prepare_signals`), so :class:`RayPool` farms it out to Ray
actors, each holding its own loaded models, while the driver keeps what must stay in
one place: cleaning against the outlets' stored articles, the online clusterer and the
SQLite transactions, which still commit group by group in arrival order. The stories
come out the same as a local ingest's (every lead is embedded on its own, so a vector
does not depend on which worker made it); ``tests/test_scale.py`` checks that.

    newsprism ingest PILE/ --ray                      # a local Ray with one worker per core
    newsprism ingest PILE/ --ray --ray-address auto   # join a running cluster

Needs the ``scale`` extra (``pip install 'newsprism[scale]'``, which installs Ray).
"""

from __future__ import annotations

from newsprism.scale.raypool import RayPool, ray_missing_message

__all__ = ["RayPool", "ray_missing_message"]
