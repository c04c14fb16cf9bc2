"""`python -m tests.support.worker_main QUEUE [celery worker options]`: a real Celery worker process of the project
(config.celery, settings from the environment) that takes its tasks from QUEUE and sends the ones it queues itself
(a batch's shards) to QUEUE too, so that a test's worker never meets another test run's messages."""

import sys

if __name__ == "__main__":
    queue, *options = sys.argv[1:]
    from config.celery import app

    app.conf.update(task_default_queue=queue)
    app.worker_main(["worker", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", *options])
