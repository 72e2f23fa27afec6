"""A certificate (居住证明 and the other kinds) on the official page, from the issued log row.

The text is the one stored when the certificate was issued (models.certificates.service.issue), so a
reprint shows exactly what was issued even if the resident's record changed since.
A certificate that carries a full ID number is built only for a role that may reveal it; the
reveal itself is logged by the action that leads to the print (issue() or record_reprint()).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from models.certificates.service import Certificate
from models.core.entities import User
from models.core.permissions import HasRole, Perm, require
from reports.layout.official import (
    SIZE_3,
    SIZE_4,
    Document,
    Styles,
    date_style,
    esc,
    format_date,
    spacer,
    styles,
)


def _signature_block(st: Styles, lines: list[str]) -> Table:
    """The issuing unit, the seal and the date, centred on one another and standing right,
    two characters in from the text block's edge (where the seal is pressed)."""
    centre = ParagraphStyle("sign", parent=st.body, firstLineIndent=0, alignment=TA_CENTER)
    width = max(stringWidth(line, st.font, SIZE_3) for line in lines) + SIZE_3
    table = Table(
        [[Paragraph(esc(line), centre), ""] for line in lines],
        colWidths=[width, 2 * SIZE_3],
        hAlign="RIGHT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def build_certificate(path: str | Path, cert_id: int, actor: HasRole | None = None) -> Path:
    """The PDF of one issued certificate; *actor* must be allowed to see a full ID it holds."""
    cert = Certificate.get_by_id(cert_id)
    if cert.full_id:
        require(actor, Perm.REVEAL_ID)
    st = styles()
    issuer = User.get_or_none(User.username == cert.issued_by)
    issuer_name = issuer.display_name if issuer else cert.issued_by
    serial = ParagraphStyle("serial", parent=st.right, fontSize=SIZE_4, leading=SIZE_4 * 1.5)
    story: list[Flowable] = [
        spacer(6),
        Paragraph(esc(cert.kind_name), st.title),
        Paragraph(esc(f"编号：{cert.serial}"), serial),
        spacer(6),
    ]
    story += [Paragraph(esc(line), st.body) for line in cert.body.splitlines() if line.strip()]
    story += [
        spacer(22),
        _signature_block(
            st, [cert.issuing_unit, "（盖章）", format_date(cert.issued_on, date_style())]
        ),
        spacer(24),
        Paragraph(esc(f"经办人：{issuer_name}"), st.small),
        Paragraph(esc("本证明由社区工作台登记，凭编号可在本社区证明登记簿中查核。"), st.small),
    ]
    doc = Document(
        Path(path),
        f"{cert.kind_name} {cert.serial}",
        cert.issuing_unit,
        cert.issued_on,
        page_numbers=False,
    )
    return doc.build(story)
