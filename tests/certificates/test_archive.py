"""HR's certificate ZIP: entry names safe to unpack anywhere and unique; revoked and replaced
certificates left out unless asked for, and then marked."""

import io
import zipfile

import pytest

from django.urls import reverse

from certificates import services
from certificates.archive import MAX_STEM_BYTES, EntryNames, safe_stem
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def unsafe(name: str) -> list[str]:
    """What is wrong with an entry name, if anything."""
    problems = []
    if "/" in name or "\\" in name:
        problems.append("separator")
    if ".." in name:
        problems.append("dot-dot")
    if name.startswith("."):
        problems.append("leading dot")
    if any(ord(char) < 32 or ord(char) == 127 or 0x202A <= ord(char) <= 0x202E for char in name):
        problems.append("control")
    if len(name.encode()) > 200:
        problems.append("length")
    return problems


@pytest.mark.parametrize(
    "text",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        "/absolute/path",
        "C:\\boot.ini",
        "...hidden",
        ". .. . ..",
        "名字\x00截断\x1f\x7f",
        "张\u202etxt.exe",
        "张／李＼王",
        "\u2024\u2024/\u2024\u2024",
        "很长的名字" * 80,
        "",
        "   ",
    ],
)
def test_safe_stem_removes_every_way_out(text):
    stem = safe_stem(text)
    assert stem and unsafe(stem) == []
    assert len(stem.encode()) <= MAX_STEM_BYTES
    assert not stem.endswith((".", " "))


def test_safe_stem_keeps_an_ordinary_name():
    assert safe_stem("2026-A-1-000001-张晓明") == "2026-A-1-000001-张晓明"


def test_entry_names_are_unique_ignoring_case():
    names = EntryNames()
    given = [names.unique(stem) for stem in ("张三", "张三", "Zhang", "ZHANG", "张三", "张三-2")]
    assert given == ["张三.pdf", "张三-2.pdf", "Zhang.pdf", "ZHANG-2.pdf", "张三-3.pdf", "张三-2-2.pdf"]
    long = "长" * 60
    first, second = names.unique(safe_stem(long)), names.unique(safe_stem(long))
    assert first != second and second.endswith("-2.pdf")
    assert len(second.encode()) <= MAX_STEM_BYTES + len(".pdf")


def read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.streaming
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def hr(curriculum_setup):
    return UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))


def test_zip_entry_names_from_hostile_names_are_safe(client, curriculum_setup, hr, tmp_path):
    tree, curriculum = curriculum_setup["tree"], curriculum_setup["curriculum"]
    hostile = ["../../../../tmp/evil", "..\\..\\evil", ".bashrc", "名\x07字\x1b", "张\u202efdp.exe", "同名"]
    for name in hostile:
        services.certificate_issue(
            user=UserFactory(org_unit=tree["a1"], full_name=name), curriculum=curriculum
        )
    client.force_login(hr)
    archive = read_zip(client.get(reverse("certificates_zip")))
    names = archive.namelist()
    assert len(names) == len(hostile)
    assert len(set(names)) == len(names)
    for name in names:
        assert unsafe(name) == [], name
        assert name.endswith(".pdf") and archive.read(name).startswith(b"%PDF")
    # Unpacked, every entry is one file directly in the target directory, under its own name.
    target = tmp_path / "unpacked"
    archive.extractall(target)
    assert sorted(path.name for path in target.iterdir()) == sorted(names)
    assert all(path.is_file() for path in target.iterdir())


def test_the_zip_leaves_out_revoked_and_replaced_unless_asked_and_then_marks_them(
    client, curriculum_setup, hr
):
    tree, curriculum = curriculum_setup["tree"], curriculum_setup["curriculum"]
    valid = services.certificate_issue(
        user=UserFactory(org_unit=tree["a1"], full_name="有效"), curriculum=curriculum
    )
    revoked = services.certificate_issue(
        user=UserFactory(org_unit=tree["a1"], full_name="撤销"), curriculum=curriculum
    )
    services.certificate_revoke(certificate=revoked, by=hr, reason="材料不实")
    replaced = services.certificate_issue(
        user=UserFactory(org_unit=tree["a1"], full_name="更名"), curriculum=curriculum
    )
    new = services.certificate_reissue(certificate=replaced, by=hr)
    client.force_login(hr)

    default = read_zip(client.get(reverse("certificates_zip"))).namelist()
    assert sorted(default) == sorted([f"{valid.serial}-有效.pdf", f"{new.serial}-更名.pdf"])

    everything = read_zip(client.get(reverse("certificates_zip"), {"status": "all"})).namelist()
    assert sorted(everything) == sorted(
        [
            f"{valid.serial}-有效.pdf",
            f"{new.serial}-更名.pdf",
            f"已撤销-{revoked.serial}-撤销.pdf",
            f"已替换-{replaced.serial}-更名.pdf",
        ]
    )
    only_revoked = read_zip(client.get(reverse("certificates_zip"), {"status": "revoked"})).namelist()
    assert only_revoked == [f"已撤销-{revoked.serial}-撤销.pdf"]

    # The list page counts and shows the same certificates as the ZIP it offers.
    html = client.get(reverse("certificates_manage")).content.decode()
    assert valid.serial in html and new.serial in html
    assert revoked.serial not in html and replaced.serial not in html
    html = client.get(reverse("certificates_manage"), {"status": "all"}).content.decode()
    assert all(c.serial in html for c in (valid, new, revoked, replaced))
