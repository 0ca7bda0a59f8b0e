"""LearnHub at scale: the data set behind ``manage.py seed_scale`` and the measurements
behind ``manage.py bench``.

- ``bench.seed`` plans and writes a deterministic data set (10,000 people, 100
  organisations, 1,000 partnerships, 100,000 evidence items at ``--scale 1``).
- ``bench.naive`` is the baseline the real code is compared with: written the obvious
  way (guardian's generic ``get_objects_for_user``, nested serializers without
  prefetching, permission and consent checks row by row in Python).
- ``bench.measure`` runs both, in-process and under load through gunicorn
  (``bench.load`` is the load generator), and ``bench.runner`` judges the results
  against the targets, prints the table and writes ``bench/results/<timestamp>.json``.
"""
