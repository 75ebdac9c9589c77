"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Environment: PORT (8000), WEB_BIND (overrides host:port), WEB_CONCURRENCY (workers; 2 x cores + 1),
WEB_TIMEOUT (seconds, 30). Each worker loads the models before it takes requests (core.warmup).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))


def post_worker_init(worker):
    from core.warmup import warm_up

    warm_up(heartbeat=worker.notify)
