"""Draw the demo centre's small sample "photos" (resources/demo_photos/*.jpg).

They are simple drawings, not real photographs: enough for the demo's facility records and
the compliance report to show a picture beside a hazard. Run once; the JPEGs are committed.

    .venv/bin/python scripts/make_demo_photos.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "demo_photos"
W, H = 400, 300


def main() -> int:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QFont, QImage, QLinearGradient, QPainter, QPen
    from PySide6.QtWidgets import QApplication

    from ui.common.qt_setup import install_cjk_font

    app = QApplication.instance() or QApplication(sys.argv)
    install_cjk_font(app)
    OUT.mkdir(parents=True, exist_ok=True)

    def canvas() -> tuple[QImage, QPainter]:
        image = QImage(W, H, QImage.Format.Format_RGB32)
        image.fill(QColor("#d9d4c7"))
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        return image, p

    def floor(p: QPainter, colour: str = "#8c8478", top: int = 220) -> None:
        p.fillRect(0, top, W, H - top, QColor(colour))

    def label(p: QPainter, text: str) -> None:
        p.setFont(QFont(app.font().family(), 11))
        p.fillRect(0, H - 26, W, 26, QColor(0, 0, 0, 150))
        p.setPen(QColor("white"))
        p.drawText(QRectF(8, H - 26, W - 16, 26), Qt.AlignmentFlag.AlignVCenter, text)

    def save(image: QImage, p: QPainter, name: str) -> None:
        p.end()
        image.save(str(OUT / name), "JPG", 62)
        print(OUT / name, (OUT / name).stat().st_size)

    # 1. Offices partitioned with wooden boards, in a dim hall.
    image, p = canvas()
    grad = QLinearGradient(0, 0, 0, H)
    grad.setColorAt(0, QColor("#5a5248"))
    grad.setColorAt(1, QColor("#2e2a25"))
    p.fillRect(0, 0, W, H, QBrush(grad))
    floor(p, "#4a4137", 230)
    for i, x in enumerate(range(10, W, 95)):
        p.fillRect(x, 40, 88, 190, QColor("#a0703c" if i % 2 else "#94663a"))
        p.setPen(QPen(QColor("#6b4522"), 2))
        for y in range(55, 230, 22):
            p.drawLine(x, y, x + 88, y)
        p.drawRect(x, 40, 88, 190)
        p.fillRect(x + 30, 120, 30, 110, QColor("#7a5230"))
    p.setPen(QPen(QColor("#222"), 2))
    p.drawLine(200, 0, 200, 22)
    p.setBrush(QColor("#f3e6a0"))
    p.drawEllipse(QPointF(200, 28), 7, 7)
    label(p, "木板隔断的办公室（示意）")
    save(image, p, "wooden_partition.jpg")

    # 2. Power strips plugged into one another, a heater and a computer on them.
    image, p = canvas()
    floor(p, "#9a9184", 150)
    p.setPen(QPen(QColor("#333"), 3))
    strips = [(40, 190), (150, 215), (260, 190)]
    for x, y in strips:
        p.setBrush(QColor("#f2f2ee"))
        p.drawRoundedRect(QRectF(x, y, 100, 26), 5, 5)
        for k in range(4):
            p.setBrush(QColor("#222"))
            p.drawRect(QRectF(x + 10 + k * 22, y + 8, 10, 10))
    p.setPen(QPen(QColor("#111"), 4))
    p.drawLine(140, 203, 150, 228)
    p.drawLine(250, 228, 260, 203)
    p.drawLine(40, 203, 0, 120)
    p.setPen(QPen(QColor("#c0392b"), 5))
    p.drawLine(70, 190, 70, 90)
    p.setBrush(QColor("#e67e22"))
    p.setPen(QPen(QColor("#444"), 2))
    p.drawRoundedRect(QRectF(40, 40, 80, 55), 6, 6)  # heater
    p.setBrush(QColor("#2c3e50"))
    p.drawRect(QRectF(280, 60, 90, 60))  # monitor
    p.setPen(QPen(QColor("#111"), 4))
    p.drawLine(320, 120, 300, 190)
    label(p, "插线板串接，电暖器与电脑共用（示意）")
    save(image, p, "power_strip.jpg")

    # 3. A loose wall socket with bare wires.
    image, p = canvas()
    p.fillRect(0, 0, W, H, QColor("#e8e2d2"))
    p.setPen(QPen(QColor("#777"), 2))
    p.setBrush(QColor("#f7f7f2"))
    p.drawRect(QRectF(150, 90, 100, 100))
    p.save()
    p.translate(200, 140)
    p.rotate(-14)
    p.setBrush(QColor("#fbfbf8"))
    p.drawRect(QRectF(-45, -45, 90, 90))
    p.restore()
    for colour, dx in (("#c0392b", -10), ("#2980b9", 6), ("#f1c40f", 20)):
        p.setPen(QPen(QColor(colour), 4))
        p.drawLine(200 + dx, 190, 190 + dx * 2, 250)
    label(p, "插座松动、电线裸露（示意）")
    save(image, p, "socket_loose.jpg")

    # 4. The same socket replaced, wires in a conduit.
    image, p = canvas()
    p.fillRect(0, 0, W, H, QColor("#ece8dc"))
    p.setPen(QPen(QColor("#999"), 2))
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(150, 90, 100, 100), 8, 8)
    p.setBrush(QColor("#333"))
    for x, y in ((180, 120), (210, 120), (195, 150)):
        p.drawRect(QRectF(x, y, 8, 16))
    p.setBrush(QColor("#dcdcdc"))
    p.drawRect(QRectF(190, 190, 20, 110))  # conduit
    label(p, "更换插座，线路穿管敷设（示意）")
    save(image, p, "socket_fixed.jpg")

    # 5. The police room: desk, computer, filing cabinet.
    image, p = canvas()
    p.fillRect(0, 0, W, 200, QColor("#dfe6ec"))
    floor(p, "#b7aa96", 200)
    p.setPen(QPen(QColor("#555"), 2))
    p.setBrush(QColor("#8d6e4f"))
    p.drawRect(QRectF(60, 150, 180, 20))
    p.drawRect(QRectF(70, 170, 12, 60))
    p.drawRect(QRectF(218, 170, 12, 60))
    p.setBrush(QColor("#2c3e50"))
    p.drawRect(QRectF(120, 95, 70, 50))
    p.setBrush(QColor("#95a5a6"))
    p.drawRect(QRectF(290, 80, 70, 150))
    for y in (110, 150, 190):
        p.drawLine(290, y, 360, y)
    p.setBrush(QColor("#1f3a93"))
    p.drawRect(QRectF(130, 20, 140, 40))
    p.setPen(QColor("white"))
    p.setFont(QFont(app.font().family(), 16))
    p.drawText(QRectF(130, 20, 140, 40), Qt.AlignmentFlag.AlignCenter, "警务室")
    label(p, "社区警务室")
    save(image, p, "police_room.jpg")

    # 6. The health station: couch, scale, leaflet rack.
    image, p = canvas()
    p.fillRect(0, 0, W, 200, QColor("#eef5ef"))
    floor(p, "#c4bcae", 200)
    p.setPen(QPen(QColor("#666"), 2))
    p.setBrush(QColor("#f4f4f4"))
    p.drawRect(QRectF(40, 160, 160, 25))
    p.setBrush(QColor("#7fb3d5"))
    p.drawRect(QRectF(40, 150, 160, 12))
    p.setBrush(QColor("#bdc3c7"))
    p.drawRect(QRectF(250, 200, 50, 14))
    p.drawRect(QRectF(270, 90, 10, 110))
    p.setBrush(QColor("#f5cba7"))
    p.drawRect(QRectF(320, 70, 60, 120))
    label(p, "计生卫生服务站")
    save(image, p, "health_station.jpg")

    # 7. The square at gate 2, shared with parking.
    image, p = canvas()
    grad = QLinearGradient(0, 0, 0, 140)
    grad.setColorAt(0, QColor("#9cc3e6"))
    grad.setColorAt(1, QColor("#e3eef7"))
    p.fillRect(0, 0, W, 140, QBrush(grad))
    p.fillRect(0, 140, W, H - 140, QColor("#b5b0a5"))
    p.setPen(QPen(QColor("#f5f5f5"), 3))
    for x in range(20, 180, 50):
        p.drawLine(x, 150, x - 20, 270)
    p.setPen(QPen(QColor("#d35400"), 6))
    p.drawLine(250, 230, 250, 170)
    p.drawLine(250, 170, 320, 170)
    p.drawLine(320, 170, 320, 230)
    p.setPen(QPen(QColor("#27ae60"), 6))
    p.drawEllipse(QPointF(360, 210), 22, 22)
    p.setBrush(QColor("#34495e"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(40, 200, 80, 40), 8, 8)
    label(p, "2号门露天广场（兼作停车）")
    save(image, p, "square.jpg")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
