"""An organisation's administrator replaces a template: the default downloaded through the page and
uploaded back is accepted and renders; a template lacking a placeholder is refused, naming it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from documents import services
from documents.models import DocumentTemplate
from documents.registry import KINDS
from tests.documents.conftest import docx_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(client, key, content, name="mau.docx"):
    return client.post(reverse("documents:templates"),
                       {"kind": key, "file": SimpleUploadedFile(name, content, content_type=DOCX)})


@pytest.mark.django_db
def test_the_default_goes_round_trip_and_the_organisation_s_own_renders(client, world, make_task):
    client.force_login(world.admin_a)
    default = client.get(reverse("documents:default-template", args=["task-assignment"]))
    assert default.status_code == 200
    assert upload(client, "task-assignment", default.content).status_code == 302
    assert DocumentTemplate.objects.filter(organisation=world.province.organisation, kind="task-assignment").exists()

    # The organisation edits it in Word: a line of its own, the placeholders kept.
    edited = Document(io.BytesIO(default.content))
    edited.add_paragraph("Mẫu riêng của tỉnh Đắk Lắk")
    buffer = io.BytesIO()
    edited.save(buffer)
    assert upload(client, "task-assignment", buffer.getvalue()).status_code == 302
    task = make_task(status="assigned")
    text = docx_text(services.document_render(KINDS["task-assignment"], task).docx)
    assert "Mẫu riêng của tỉnh Đắk Lắk" in text and "Nguyễn Văn A" in text
    # Another organisation still prints the default.
    assert DocumentTemplate.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_shipped_default_is_accepted_back_unchanged(client, world, key):
    client.force_login(world.admin_a)
    default = client.get(reverse("documents:default-template", args=[key]))
    assert default.status_code == 200
    assert upload(client, key, default.content).status_code == 302, key
    assert DocumentTemplate.objects.filter(organisation=world.province.organisation, kind=key).exists()


@pytest.mark.django_db
def test_a_template_lacking_a_placeholder_is_refused_naming_it(client, world):
    client.force_login(world.admin_a)
    default = client.get(reverse("documents:default-template", args=["discipline-decision"])).content
    broken = Document(io.BytesIO(default))
    foot = broken.tables[-1].cell(0, 1)
    for paragraph in foot.paragraphs:
        if "signer_name" in paragraph.text:
            paragraph.text = "Người ký"
    buffer = io.BytesIO()
    broken.save(buffer)
    response = upload(client, "discipline-decision", buffer.getvalue())
    assert response.status_code == 400
    assert "Mẫu thiếu chỗ điền {{ signer_name }}" in response.content.decode()
    assert not DocumentTemplate.objects.exists()

    response = upload(client, "discipline-decision", b"not a word file", name="mau.docx")
    assert response.status_code == 400 and "không phải văn bản Word (.docx)" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


@pytest.mark.django_db
def test_only_administrators_reach_the_templates(client, world):
    for user in (world.head_dept, world.outsider):
        client.force_login(user)
        assert client.get(reverse("documents:templates")).status_code == 404
        assert client.get(reverse("documents:default-template", args=["task-assignment"])).status_code == 404
    client.force_login(world.admin_b)
    assert client.get(reverse("documents:templates")).status_code == 200
    assert upload(client, "task-assignment", open(
        "documents/default_templates/task-assignment.docx", "rb").read()).status_code == 302
    assert list(DocumentTemplate.objects.values_list("organisation__code", flat=True)) == ["B"]
