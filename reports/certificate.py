"""A certificate (居住证明 and the other kinds) on the official page, from the issued log row.

The text is the one stored when the certificate was issued (models.certificates.issue), so a
reprint shows exactly what was issued even if the resident's record changed since.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from models.certificates import Certificate
from models.entities import User
from reports.official import (
    SIZE_3,
    SIZE_4,
    Document,
    date_style,
    esc,
    format_date,
    spacer,
    styles,
)


def build_certificate(path: str | Path, cert_id: int) -> Path:
    cert = Certificate.get_by_id(cert_id)
    st = styles()
    issuer = User.get_or_none(User.username == cert.issued_by)
    issuer_name = issuer.display_name if issuer else cert.issued_by
    serial = ParagraphStyle("serial", parent=st.right, fontSize=SIZE_4, leading=SIZE_4 * 1.5)
    # The unit and date stand right, four characters in from the text block's edge.
    sign = ParagraphStyle("sign", parent=st.right, alignment=TA_RIGHT, rightIndent=2 * SIZE_3)
    story: list[Flowable] = [
        spacer(6),
        Paragraph(esc(cert.kind_name), st.title),
        Paragraph(esc(f"编号：{cert.serial}"), serial),
        spacer(6),
    ]
    story += [Paragraph(esc(line), st.body) for line in cert.body.splitlines() if line.strip()]
    story += [
        spacer(22),
        Paragraph(esc(cert.issuing_unit), sign),
        Paragraph("（盖章）", sign),
        Paragraph(esc(format_date(cert.issued_on, date_style())), sign),
        spacer(24),
        Paragraph(esc(f"经办人：{issuer_name}"), st.small),
        Paragraph(esc("本证明由社区工作台登记，凭编号可在本社区证明登记簿中查核。"), st.small),
    ]
    doc = Document(Path(path), f"{cert.kind_name} {cert.serial}", cert.issuing_unit,
                   cert.issued_on, page_numbers=False)
    return doc.build(story)
