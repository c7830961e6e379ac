#!/usr/bin/env python3
"""Generate the bundled sample lead images for The Harbour Ledger demo site.

All images are abstract illustrations drawn with Pillow. The output is
deterministic: every image uses its own seeded random generator, so running
this script twice produces identical compositions.

Usage:
    python scripts/make_sample_images.py [output_dir]

Default output directory: static/images/ (relative to the repository root).
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1600, 900
QUALITY = 82
MAX_BYTES = 250 * 1024


def lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def mix(c1, c2, t):
    return tuple(int(round(lerp(a, b, t))) for a, b in zip(c1, c2))


def vertical_gradient(stops, size=(W, H)) -> Image.Image:
    """stops: list of (position 0..1, (r, g, b)) sorted by position."""
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        p = y / (h - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
            if p0 <= p <= p1:
                t = 0 if p1 == p0 else (p - p0) / (p1 - p0)
                draw.line([(0, y), (w, y)], fill=mix(c0, c1, t))
                break
    return img


def radial_glow(img: Image.Image, centre, radius, colour, strength=0.6):
    """Blend a soft circular glow onto img."""
    glow = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(glow)
    cx, cy = centre
    steps = 40
    for i in range(steps):
        r = radius * (1 - i / steps)
        a = int(255 * strength * (i / steps) ** 1.6)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=a)
    glow = glow.filter(ImageFilter.GaussianBlur(radius / 8))
    layer = Image.new("RGB", img.size, colour)
    return Image.composite(layer, img, glow)


# --------------------------------------------------------------------------
# Individual compositions
# --------------------------------------------------------------------------


def harbour_skyline(rng: random.Random) -> Image.Image:
    img = vertical_gradient(
        [
            (0.0, (28, 36, 78)),
            (0.45, (204, 110, 96)),
            (0.62, (250, 190, 120)),
            (0.63, (40, 58, 86)),
            (1.0, (14, 24, 40)),
        ]
    )
    img = radial_glow(img, (1120, 560), 260, (255, 214, 150), 0.7)
    d = ImageDraw.Draw(img)
    horizon = int(H * 0.625)
    # distant mountains
    pts = [(0, horizon)]
    x = 0
    while x <= W:
        pts.append((x, horizon - 60 - rng.randint(0, 120)))
        x += rng.randint(80, 180)
    pts.append((W, horizon))
    d.polygon(pts, fill=(86, 70, 104))
    # city blocks
    x = 40
    while x < W - 40:
        bw = rng.randint(40, 110)
        bh = rng.randint(60, 300)
        shade = rng.randint(22, 40)
        d.rectangle([x, horizon - bh, x + bw, horizon], fill=(shade, shade + 4, shade + 18))
        # lit windows
        for wy in range(horizon - bh + 12, horizon - 8, 18):
            for wx in range(x + 8, x + bw - 8, 16):
                if rng.random() < 0.28:
                    d.rectangle([wx, wy, wx + 6, wy + 8], fill=(255, 208, 120))
        x += bw + rng.randint(2, 14)
    # a crane
    d.line([(1380, horizon), (1380, horizon - 360)], fill=(20, 24, 36), width=10)
    d.line([(1240, horizon - 350), (1560, horizon - 350)], fill=(20, 24, 36), width=8)
    d.line([(1500, horizon - 350), (1500, horizon - 230)], fill=(20, 24, 36), width=2)
    # reflections on water
    for _ in range(70):
        y = rng.randint(horizon + 8, H - 10)
        x0 = rng.randint(0, W)
        ln = rng.randint(30, 180)
        col = (250, 190, 120) if abs(x0 - 1120) < 260 else (70, 96, 130)
        d.line([(x0, y), (x0 + ln, y)], fill=col, width=2)
    return img


def ferry_waves(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (196, 226, 240)), (0.4, (120, 180, 210)), (1.0, (10, 60, 96))])
    d = ImageDraw.Draw(img)
    palette = [(24, 96, 140), (18, 82, 124), (14, 68, 108), (10, 54, 90), (6, 40, 70)]
    for layer, col in enumerate(palette):
        base = 380 + layer * 110
        amp = 18 + layer * 8
        freq = 0.006 + layer * 0.0015
        phase = rng.random() * math.tau
        pts = [(0, H)]
        for x in range(0, W + 1, 8):
            y = base + amp * math.sin(x * freq + phase) + amp * 0.4 * math.sin(x * freq * 2.7)
            pts.append((x, y))
        pts.append((W, H))
        d.polygon(pts, fill=col)
        # foam crest
        crest = pts[1:-1]
        d.line(crest, fill=mix(col, (230, 245, 250), 0.55), width=3)
    # stylised ferry
    fx, fy = 560, 400
    d.polygon([(fx, fy), (fx + 440, fy), (fx + 400, fy + 50), (fx + 30, fy + 50)], fill=(240, 240, 236))
    d.rectangle([fx + 70, fy - 60, fx + 340, fy], fill=(250, 250, 248))
    d.rectangle([fx + 150, fy - 110, fx + 270, fy - 60], fill=(236, 236, 232))
    d.rectangle([fx, fy + 28, fx + 420, fy + 40], fill=(30, 110, 160))
    for wx in range(fx + 86, fx + 330, 30):
        d.rectangle([wx, fy - 44, wx + 16, fy - 28], fill=(40, 60, 84))
    d.rectangle([fx + 200, fy - 150, fx + 222, fy - 110], fill=(200, 60, 50))
    return img


def housing_chart(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (248, 244, 236)), (1.0, (228, 222, 208))])
    d = ImageDraw.Draw(img)
    left, right, top, bottom = 140, 1480, 120, 780
    for i in range(6):
        y = bottom - i * (bottom - top) / 5
        d.line([(left, y), (right, y)], fill=(204, 196, 182), width=2)
    d.line([(left, bottom), (right, bottom)], fill=(90, 84, 76), width=4)
    d.line([(left, top), (left, bottom)], fill=(90, 84, 76), width=4)
    n = 14
    slot = (right - left) / n
    value = 0.3
    tops = []
    for i in range(n):
        value = min(0.95, max(0.15, value + rng.uniform(-0.04, 0.09)))
        x0 = left + i * slot + slot * 0.18
        x1 = left + (i + 1) * slot - slot * 0.18
        y0 = bottom - value * (bottom - top)
        colour = (46, 110, 142) if i < n - 3 else (214, 96, 58)
        d.rectangle([x0, y0, x1, bottom - 2], fill=colour)
        tops.append(((x0 + x1) / 2, y0 - 40))
    d.line(tops, fill=(32, 40, 52), width=5, joint="curve")
    for x, y in tops:
        d.ellipse([x - 9, y - 9, x + 9, y + 9], fill=(248, 244, 236), outline=(32, 40, 52), width=4)
    # little house icon
    hx, hy = 1300, 190
    d.polygon([(hx, hy), (hx + 70, hy - 60), (hx + 140, hy)], fill=(214, 96, 58))
    d.rectangle([hx + 18, hy, hx + 122, hy + 80], fill=(46, 110, 142))
    d.rectangle([hx + 56, hy + 32, hx + 84, hy + 80], fill=(248, 244, 236))
    return img


def ball_field(rng: random.Random) -> Image.Image:
    img = vertical_gradient(
        [
            (0.0, (120, 180, 230)),
            (0.22, (190, 222, 240)),
            (0.23, (30, 70, 50)),
            (0.3, (60, 130, 70)),
            (1.0, (40, 110, 56)),
        ]
    )
    d = ImageDraw.Draw(img)
    # mowing stripes
    for i in range(20):
        x0 = -400 + i * 120
        d.polygon(
            [(x0, H), (x0 + 60, H), (800 + (x0 - 800) * 0.1 + 6, 210), (800 + (x0 - 800) * 0.1, 210)],
            fill=(52, 124, 64) if i % 2 else (62, 140, 72),
        )
    # outfield wall
    d.rectangle([0, 200, W, 230], fill=(20, 60, 44))
    # infield dirt (diamond in perspective)
    home = (800, 860)
    first = (1180, 600)
    second = (800, 430)
    third = (420, 600)
    d.polygon([home, first, second, third], fill=(186, 130, 84))
    inner = [(800, 800), (1080, 610), (800, 490), (520, 610)]
    d.polygon(inner, fill=(70, 150, 80))
    # foul lines
    d.line([home, (1600, 300)], fill=(250, 250, 250), width=5)
    d.line([home, (0, 300)], fill=(250, 250, 250), width=5)
    # bases
    for bx, by in (first, second, third):
        d.polygon([(bx, by - 14), (bx + 18, by), (bx, by + 14), (bx - 18, by)], fill=(252, 252, 252))
    d.polygon(
        [
            (home[0] - 20, home[1] - 10),
            (home[0] + 20, home[1] - 10),
            (home[0] + 20, home[1] + 6),
            (home[0], home[1] + 18),
            (home[0] - 20, home[1] + 6),
        ],
        fill=(252, 252, 252),
    )
    # mound
    d.ellipse([760, 608, 840, 648], fill=(196, 140, 94))
    d.rectangle([788, 622, 812, 630], fill=(252, 252, 252))
    # floodlight towers
    for tx in (120, 1480):
        d.line([(tx, 200), (tx, 40)], fill=(40, 44, 52), width=8)
        d.rectangle([tx - 50, 20, tx + 50, 60], fill=(40, 44, 52))
        for lx in range(tx - 42, tx + 42, 20):
            d.ellipse([lx, 28, lx + 14, 42], fill=(255, 250, 210))
    return img


def forest_canopy(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (232, 240, 226)), (0.5, (168, 200, 170)), (1.0, (40, 72, 56))])
    img = radial_glow(img, (1250, 180), 300, (255, 248, 210), 0.8)
    d = ImageDraw.Draw(img)
    layers = [
        ((128, 166, 140), 420, 0.55),
        ((84, 128, 100), 520, 0.75),
        ((50, 90, 70), 640, 1.0),
        ((26, 56, 44), 760, 1.3),
    ]
    for col, base, scale in layers:
        x = -60
        while x < W + 60:
            th = rng.randint(140, 260) * scale
            tw = rng.randint(50, 80) * scale
            d.polygon([(x, base + 40 - th), (x - tw, base + 40), (x + tw, base + 40)], fill=col)
            d.polygon([(x, base + 80 - th * 0.8), (x - tw * 1.2, base + 100), (x + tw * 1.2, base + 100)], fill=col)
            x += rng.randint(40, 90) * scale
        d.rectangle([0, base + 90, W, H], fill=col)
    # sun rays
    rays = Image.new("L", (W, H), 0)
    rd = ImageDraw.Draw(rays)
    for i in range(7):
        ang = math.radians(100 + i * 9 + rng.uniform(-2, 2))
        x1 = 1250 + math.cos(ang) * 1400
        y1 = 180 + math.sin(ang) * 1400
        rd.polygon([(1250, 180), (x1 - 40, y1), (x1 + 40, y1)], fill=36)
    rays = rays.filter(ImageFilter.GaussianBlur(18))
    img = Image.composite(Image.new("RGB", (W, H), (255, 250, 220)), img, rays)
    return img


def sound_arcs(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (40, 16, 50)), (1.0, (110, 30, 60))])
    img = radial_glow(img, (400, 700), 520, (230, 120, 80), 0.55)
    d = ImageDraw.Draw(img)
    cx, cy = 400, 700
    cols = [(250, 210, 120), (240, 150, 110), (220, 110, 130), (180, 100, 170), (130, 110, 200)]
    for i in range(26):
        r = 120 + i * 46
        col = cols[i % len(cols)]
        start = rng.uniform(-95, -60)
        end = rng.uniform(-10, 30)
        d.arc([cx - r, cy - r, cx + r, cy + r], start=start, end=end, fill=col, width=rng.randint(4, 14))
    # stylised notes / dots
    for _ in range(40):
        x = rng.randint(700, 1560)
        y = rng.randint(60, 520)
        r = rng.randint(4, 16)
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(cols))
    return img


def shipping_containers(rng: random.Random) -> Image.Image:
    img = vertical_gradient(
        [(0.0, (212, 226, 236)), (0.55, (236, 230, 218)), (0.56, (112, 118, 126)), (1.0, (84, 88, 96))]
    )
    d = ImageDraw.Draw(img)
    cols = [(196, 64, 48), (38, 96, 150), (232, 164, 44), (40, 130, 104), (120, 124, 132), (170, 84, 40)]
    ground = 560
    cw, ch = 150, 62
    for stack in range(10):
        x0 = 40 + stack * 156
        height = rng.randint(2, 6)
        for level in range(height):
            col = rng.choice(cols)
            y1 = ground - level * (ch + 2)
            d.rectangle([x0, y1 - ch, x0 + cw, y1], fill=col)
            for rx in range(x0 + 10, x0 + cw - 6, 12):
                d.line([(rx, y1 - ch + 6), (rx, y1 - 6)], fill=mix(col, (0, 0, 0), 0.25), width=3)
    # gantry crane
    d.rectangle([1080, 90, 1100, ground], fill=(230, 120, 40))
    d.rectangle([1440, 90, 1460, ground], fill=(230, 120, 40))
    d.rectangle([980, 80, 1560, 110], fill=(230, 120, 40))
    d.line([(1260, 110), (1260, 240)], fill=(40, 40, 40), width=4)
    d.rectangle([1190, 240, 1340, 300], fill=(38, 96, 150))
    # quay markings
    for x in range(0, W, 120):
        d.rectangle([x, 700, x + 60, 712], fill=(230, 204, 80))
    return img


def lab_cells(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (10, 28, 44)), (1.0, (6, 48, 60))])
    img = radial_glow(img, (800, 450), 520, (30, 110, 120), 0.6)
    d = ImageDraw.Draw(img)
    for _ in range(70):
        x = rng.randint(-40, W + 40)
        y = rng.randint(-40, H + 40)
        r = rng.randint(20, 90)
        hue = rng.choice([(120, 220, 200), (160, 240, 160), (240, 160, 200), (140, 200, 250)])
        d.ellipse([x - r, y - r, x + r, y + r], outline=hue, width=3)
        nr = r * rng.uniform(0.2, 0.4)
        ox, oy = rng.uniform(-r / 3, r / 3), rng.uniform(-r / 3, r / 3)
        d.ellipse([x + ox - nr, y + oy - nr, x + ox + nr, y + oy + nr], fill=mix(hue, (10, 28, 44), 0.35))
    # microscope reticle
    d.ellipse([300, -50, 1300, 950], outline=(200, 230, 230), width=4)
    d.line([(800, 0), (800, H)], fill=(200, 230, 230), width=1)
    d.line([(300, 450), (1300, 450)], fill=(200, 230, 230), width=1)
    # vignette outside the eyepiece
    mask = Image.new("L", (W, H), 170)
    ImageDraw.Draw(mask).ellipse([300, -50, 1300, 950], fill=0)
    mask = mask.filter(ImageFilter.GaussianBlur(30))
    img = Image.composite(Image.new("RGB", (W, H), (4, 10, 16)), img, mask)
    return img


def smoke_haze(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (120, 80, 70)), (0.45, (232, 140, 70)), (0.7, (200, 110, 60)), (1.0, (60, 36, 30))])
    img = radial_glow(img, (980, 330), 110, (255, 90, 40), 0.95)
    haze = Image.new("L", (W, H), 0)
    hd = ImageDraw.Draw(haze)
    for _ in range(60):
        x = rng.randint(-200, W)
        y = rng.randint(100, 700)
        hd.ellipse([x, y, x + rng.randint(200, 600), y + rng.randint(60, 160)], fill=rng.randint(30, 90))
    haze = haze.filter(ImageFilter.GaussianBlur(40))
    img = Image.composite(Image.new("RGB", (W, H), (214, 170, 140)), img, haze)
    d = ImageDraw.Draw(img)
    # ridge lines
    for i, col in enumerate([(120, 70, 56), (80, 46, 40), (44, 26, 24)]):
        base = 560 + i * 110
        pts = [(0, H)]
        for x in range(0, W + 1, 20):
            pts.append((x, base + 50 * math.sin(x * 0.004 + i * 1.7) + rng.randint(-6, 6)))
        pts.append((W, H))
        d.polygon(pts, fill=col)
    # tree silhouettes on the nearest ridge
    for _ in range(60):
        x = rng.randint(0, W)
        y = 800 + rng.randint(-20, 40)
        h = rng.randint(40, 110)
        d.polygon([(x, y - h), (x - h * 0.22, y), (x + h * 0.22, y)], fill=(30, 18, 16))
    return img


def ballot_box(rng: random.Random) -> Image.Image:
    img = vertical_gradient([(0.0, (236, 240, 244)), (1.0, (200, 210, 222))])
    d = ImageDraw.Draw(img)
    # scattered paper slips in the background
    for _ in range(28):
        x = rng.randint(0, W)
        y = rng.randint(0, H)
        w, h = rng.randint(80, 160), rng.randint(50, 90)
        ang = rng.uniform(0, math.pi)
        corners = []
        for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
            corners.append((x + dx * math.cos(ang) - dy * math.sin(ang), y + dx * math.sin(ang) + dy * math.cos(ang)))
        d.polygon(corners, fill=(250, 250, 252), outline=(190, 198, 210))
    # ballot box
    d.polygon([(560, 420), (1040, 420), (1120, 360), (640, 360)], fill=(170, 40, 46))
    d.rectangle([560, 420, 1040, 800], fill=(196, 48, 54))
    d.polygon([(1040, 420), (1120, 360), (1120, 740), (1040, 800)], fill=(150, 34, 40))
    d.polygon([(740, 386), (900, 386), (920, 372), (760, 372)], fill=(60, 16, 20))
    # ballot going in
    d.polygon([(790, 378), (880, 378), (900, 190), (810, 190)], fill=(252, 252, 252), outline=(160, 170, 180))
    d.line([(820, 250), (880, 250)], fill=(160, 170, 180), width=3)
    d.line([(818, 280), (878, 280)], fill=(160, 170, 180), width=3)
    d.rectangle([824, 214, 840, 230], outline=(40, 40, 40), width=3)
    d.line([(826, 222), (832, 228), (846, 206)], fill=(196, 48, 54), width=4)
    # maple-leaf-ish emblem (stylised star)
    cx, cy, r = 800, 610, 90
    pts = []
    for k in range(22):
        ang = -math.pi / 2 + k * math.tau / 22
        rr = r if k % 2 == 0 else r * 0.55
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    d.polygon(pts, fill=(250, 250, 250))
    return img


IMAGES = {
    "harbour-skyline-dusk": harbour_skyline,
    "ferry-crossing-waves": ferry_waves,
    "housing-starts-chart": housing_chart,
    "ball-field-lights": ball_field,
    "old-growth-canopy": forest_canopy,
    "symphony-sound-arcs": sound_arcs,
    "port-container-stacks": shipping_containers,
    "lab-cell-culture": lab_cells,
    "wildfire-smoke-ridge": smoke_haze,
    "ballot-box-vote": ballot_box,
}


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    out_dir = Path(argv[1]) if len(argv) > 1 else root / "static" / "images"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, fn in sorted(IMAGES.items()):
        rng = random.Random(f"harbour-ledger:{name}")
        img = fn(rng)
        assert img.size == (W, H), name
        path = out_dir / f"{name}.jpg"
        quality = QUALITY
        while True:
            img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
            if path.stat().st_size <= MAX_BYTES or quality <= 50:
                break
            quality -= 5
        print(
            f"{path.relative_to(root) if path.is_relative_to(root) else path}: "
            f"{path.stat().st_size // 1024} KB (q={quality})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
