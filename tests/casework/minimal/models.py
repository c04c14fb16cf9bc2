from django.db import models
from viewflow import jsonstore
from viewflow.workflow.models import Process


class Ticket(models.Model):
    title = models.CharField(max_length=100)
    status = models.CharField(max_length=16, default="new")

    def __str__(self) -> str:
        return self.title


class TicketProcess(Process):
    approved = jsonstore.BooleanField(default=False)

    class Meta:
        proxy = True
