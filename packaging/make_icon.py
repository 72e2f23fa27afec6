"""Draw the program icon (a house with a lit window on a red tile) into resources/.

    python packaging/make_icon.py

Writes neighbourhood-desk.png (256 px, for Linux and the window) and neighbourhood-desk.ico
(16-256 px, for the Windows executable and installer). Needs Pillow (a reportlab dependency).
Drawn from plain shapes so that no font or artwork licence is involved.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
RED = (192, 41, 43, 255)
WHITE = (255, 255, 255, 255)
GOLD = (246, 196, 69, 255)


def draw(size: int = 1024) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 1024
    d.rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s], radius=190 * s, fill=RED)
    # roof and body of the house
    d.polygon([(512 * s, 190 * s), (850 * s, 470 * s), (174 * s, 470 * s)], fill=WHITE)
    d.rectangle([250 * s, 450 * s, 774 * s, 830 * s], fill=WHITE)
    # a lit window and the door
    d.rectangle([320 * s, 530 * s, 470 * s, 660 * s], fill=GOLD)
    d.rectangle([565 * s, 580 * s, 695 * s, 830 * s], fill=RED)
    # a chimney
    d.rectangle([680 * s, 250 * s, 760 * s, 400 * s], fill=WHITE)
    return img


def main() -> None:
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(RESOURCES / "neighbourhood-desk.png")
    big.save(
        RESOURCES / "neighbourhood-desk.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )


if __name__ == "__main__":
    main()
