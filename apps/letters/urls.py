from django.urls import path

from apps.letters.api import LetterBatchDetailApi, LetterDetailApi, LetterPdfApi, LetterVerifyApi

urlpatterns = [
    path("letters/batches/<int:batch_id>", LetterBatchDetailApi.as_view(), name="letter-batch-detail"),
    path("letters/<int:letter_id>.pdf", LetterPdfApi.as_view(), name="letter-pdf"),
    path("letters/<int:letter_id>", LetterDetailApi.as_view(), name="letter-detail"),
    path("verify/<str:code>", LetterVerifyApi.as_view(), name="letter-verify-api"),
]
