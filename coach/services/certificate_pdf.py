"""The certificate as a one-page PDF, drawn on the server with reportlab (imported only here,
when a certificate is downloaded, so the web process starts without it)."""

from __future__ import annotations

import io

from coach.models import Certificate
from coach.models._columns import as_utc
from coach.services.certificates import CertificateStatus, status_of


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """A landscape A4 page: holder, program, dates, status, the code and where to verify it."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    page.setTitle(f"Certificate {certificate.code}")
    page.setAuthor("Coach")
    page.setLineWidth(3)
    page.rect(28, 28, width - 56, height - 56)
    middle = width / 2
    lines = [
        ("Helvetica", 14, height - 110, "Coach certifies that"),
        ("Helvetica-Bold", 30, height - 160, certificate.user.name),
        ("Helvetica", 14, height - 205, "has passed"),
        ("Helvetica-Bold", 20, height - 245, certificate.program_title),
        (
            "Helvetica",
            12,
            height - 290,
            f"with a score of {certificate.score:.0f}% on "
            f"{as_utc(certificate.issued_at):%d %B %Y}; valid until "
            f"{as_utc(certificate.expires_at):%d %B %Y}.",
        ),
    ]
    state = status_of(certificate)
    if state != CertificateStatus.VALID:
        lines.append(("Helvetica-Bold", 16, height - 330, f"Status: {state.value.upper()}"))
    lines += [
        ("Helvetica", 10, 110, "Rule packs certified: " + _packs(certificate)),
        ("Courier", 11, 85, f"Certificate code: {certificate.code}"),
        ("Helvetica", 10, 62, f"Verify at {verify_url}"),
    ]
    for font, size, y, text in lines:
        page.setFont(font, size)
        page.drawCentredString(middle, y, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _packs(certificate: Certificate) -> str:
    return ", ".join(
        f"{pack} {version}" for pack, version in sorted(certificate.rule_packs.items())
    )
