"""Run background tasks: django-tasks-db's worker, after starting the periodic
tasks' schedules (newsroom.background.schedule_periodic_tasks)."""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from newsroom.background import schedule_periodic_tasks


class Command(DBWorkerCommand):
    help = (
        "Run background tasks from the database queue (any number of workers, "
        "on any number of machines), and keep the periodic tasks scheduled."
    )

    def handle(self, *args, **options):
        scheduled = schedule_periodic_tasks()
        if scheduled and options["verbosity"]:
            names = ", ".join(a_task.name for a_task in scheduled)
            self.stdout.write(f"Scheduled periodic tasks: {names}")
        return super().handle(*args, **options)
