"""Pictures for the demo content, drawn with Pillow when the demo is loaded.

No downloads and no binary files in the repository: each picture is a simple
illustration drawn from shapes, the same every time (seeded randomness), and
returned as JPEG bytes for the image library to take in like any upload.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1067


def _gradient(top, bottom, size=(WIDTH, HEIGHT)):
    """Return an image fading from the top colour to the bottom colour."""
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        column.putpixel(
            (0, y),
            tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return column.resize(size, Image.Resampling.BICUBIC)


def talks(rng):
    """A negotiating table from above, chairs on both sides, two pennants."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (58, 47, 42))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 140, WIDTH - 120, HEIGHT - 140), fill=(120, 32, 38))
    draw.rectangle(
        (150, 170, WIDTH - 150, HEIGHT - 170), outline=(170, 130, 60), width=6
    )
    left, right, top, bottom = 330, 1470, 400, 667
    for x in range(left + 60, right - 40, 120):
        for y, direction in ((top - 95, -1), (bottom + 25, 1)):
            draw.rounded_rectangle((x - 40, y, x + 40, y + 70), 18, fill=(28, 38, 64))
            draw.rounded_rectangle(
                (
                    x - 40,
                    y + (52 if direction > 0 else 0),
                    x + 40,
                    y + (70 if direction > 0 else 18),
                ),
                8,
                fill=(18, 24, 40),
            )
    draw.rounded_rectangle((left, top, right, bottom), 60, fill=(139, 90, 43))
    draw.rounded_rectangle(
        (left + 14, top + 14, right - 14, bottom - 14),
        50,
        outline=(176, 122, 66),
        width=4,
    )
    for x in range(left + 60, right - 40, 120):
        for y in (top + 30, bottom - 80):
            draw.rectangle((x - 30, y, x + 30, y + 48), fill=(242, 238, 226))
            draw.line((x - 20, y + 14, x + 18, y + 14), fill=(150, 150, 150), width=3)
            draw.line((x - 20, y + 26, x + 10, y + 26), fill=(150, 150, 150), width=3)
            draw.ellipse(
                (
                    x + 22,
                    y + (60 if y < 500 else -26),
                    x + 34,
                    y + (72 if y < 500 else -14),
                ),
                fill=(30, 30, 30),
            )
    centre = (left + right) // 2 + 150
    for offset, colour in ((-70, (200, 30, 40)), (40, (30, 60, 150))):
        x = centre + offset
        draw.rectangle((x, 500, x + 6, 560), fill=(210, 210, 210))
        draw.polygon([(x + 6, 500), (x + 70, 515), (x + 6, 532)], fill=colour)
    draw.ellipse(
        (centre - 90, 478, centre + 110, 590), outline=(230, 200, 120), width=3
    )
    return image.filter(ImageFilter.GaussianBlur(1.2))


def skyline(rng):
    """A city at dusk: tall buildings with lit windows against an orange sky."""
    image = _gradient((28, 36, 84), (244, 148, 72))
    draw = ImageDraw.Draw(image)
    draw.ellipse((1040, 640, 1260, 860), fill=(255, 214, 140))
    x = -20
    while x < WIDTH:
        width = rng.randint(70, 170)
        top = rng.randint(300, 820)
        shade = rng.randint(18, 40)
        draw.rectangle((x, top, x + width, HEIGHT), fill=(shade, shade, shade + 14))
        for wy in range(top + 20, HEIGHT - 20, 34):
            for wx in range(x + 12, x + width - 16, 26):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 12, wy + 18), fill=(255, 216, 110))
        x += width + rng.randint(4, 20)
    return image


def chips(rng):
    """A black chip on a green circuit board, copper traces to its pins."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (16, 92, 58))
    draw = ImageDraw.Draw(image)
    cx, cy, half = 900, 520, 210
    for _ in range(140):
        side = rng.choice("nsew")
        offset = rng.randint(-half + 20, half - 20)
        if side in "ns":
            x, y = cx + offset, cy + (half if side == "s" else -half)
            end = rng.randint(40, 480) * (1 if side == "s" else -1)
            bend = x + rng.randint(-200, 200)
            points = [(x, y), (x, y + end // 2), (bend, y + end)]
        else:
            x, y = cx + (half if side == "e" else -half), cy + offset
            end = rng.randint(40, 700) * (1 if side == "e" else -1)
            bend = y + rng.randint(-200, 200)
            points = [(x, y), (x + end // 2, y), (x + end, bend)]
        draw.line(points, fill=(196, 150, 70), width=5, joint="curve")
        ex, ey = points[-1]
        draw.ellipse(
            (ex - 9, ey - 9, ex + 9, ey + 9),
            fill=(210, 170, 90),
            outline=(120, 90, 40),
            width=3,
        )
    for i in range(-half + 20, half - 10, 28):
        for dx, dy in ((i, -half - 14), (i, half), (-half - 14, i), (half, i)):
            draw.rectangle(
                (cx + dx, cy + dy, cx + dx + 14, cy + dy + 14), fill=(200, 200, 205)
            )
    draw.rectangle((cx - half, cy - half, cx + half, cy + half), fill=(24, 24, 28))
    draw.rectangle(
        (cx - half + 24, cy - half + 24, cx + half - 24, cy + half - 24),
        outline=(60, 60, 68),
        width=4,
    )
    draw.ellipse(
        (cx - half + 40, cy - half + 40, cx - half + 70, cy - half + 70),
        fill=(70, 70, 78),
    )
    return image


def chart(rng):
    """A share-price chart: red and green bars on a dark screen."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (12, 20, 38))
    draw = ImageDraw.Draw(image)
    for y in range(100, HEIGHT, 120):
        draw.line((0, y, WIDTH, y), fill=(36, 48, 72), width=2)
    for x in range(80, WIDTH, 160):
        draw.line((x, 0, x, HEIGHT), fill=(30, 40, 62), width=2)
    price, points = 600.0, []
    for x in range(60, WIDTH - 40, 36):
        opening = price
        price = min(max(price + rng.gauss(-4, 38), 160), HEIGHT - 160)
        high, low = (
            min(opening, price) - rng.randint(8, 50),
            max(opening, price) + rng.randint(8, 50),
        )
        colour = (46, 204, 113) if price < opening else (231, 76, 60)
        draw.line((x, high, x, low), fill=colour, width=3)
        draw.rectangle(
            (x - 11, min(opening, price), x + 11, max(opening, price) + 2), fill=colour
        )
        points.append((x, (opening + price) / 2))
    draw.line(points, fill=(241, 196, 15), width=4, joint="curve")
    return image


def sun(rng):
    """A blazing sun low over parched, cracked ground."""
    image = _gradient((255, 220, 120), (214, 70, 30))
    glow = Image.new("L", (WIDTH, HEIGHT), 0)
    glow_draw = ImageDraw.Draw(glow)
    for radius in range(520, 140, -20):
        glow_draw.ellipse(
            (1100 - radius, 420 - radius, 1100 + radius, 420 + radius),
            fill=int(255 * (1 - radius / 560)),
        )
    image.paste((255, 250, 210), mask=glow.filter(ImageFilter.GaussianBlur(30)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((960, 280, 1240, 560), fill=(255, 252, 225))
    draw.rectangle((0, 700, WIDTH, HEIGHT), fill=(150, 82, 40))
    for _ in range(90):
        x, y = rng.randint(0, WIDTH), rng.randint(710, HEIGHT)
        points = [(x, y)]
        for _ in range(rng.randint(3, 7)):
            x += rng.randint(-90, 90)
            y += rng.randint(-30, 30)
            points.append((x, max(704, y)))
        draw.line(points, fill=(92, 46, 22), width=rng.randint(2, 5))
    return image


def mountains(rng):
    """Snow-capped mountain peaks under a pale sky."""
    image = _gradient((170, 205, 235), (236, 242, 248))
    draw = ImageDraw.Draw(image)
    for layer, colour in enumerate([(120, 140, 170), (86, 104, 136), (58, 72, 100)]):
        base = 560 + layer * 150
        x, points = -100, [(-100, HEIGHT)]
        while x < WIDTH + 200:
            peak = (
                x + rng.randint(120, 260),
                base - rng.randint(120, 420) + layer * 40,
            )
            points.append(peak)
            x = peak[0] + rng.randint(120, 260)
            points.append((x, base + rng.randint(-30, 60)))
        points.append((WIDTH + 200, HEIGHT))
        draw.polygon(points, fill=colour)
        for px, py in points[1:-1:2]:
            if layer < 2 and py < base - 160:
                cap = [(px, py), (px - 70, py + 80), (px - 20, py + 66)]
                cap += [(px + 10, py + 92), (px + 70, py + 80)]
                draw.polygon(cap, fill=(248, 250, 252))
    return image


def pitch(rng):
    """A football pitch from above: white markings on striped grass."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (46, 128, 58))
    draw = ImageDraw.Draw(image)
    for i in range(0, WIDTH, 200):
        draw.rectangle((i, 0, i + 100, HEIGHT), fill=(52, 140, 64))
    white, m = (245, 245, 245), 80
    draw.rectangle((m, m, WIDTH - m, HEIGHT - m), outline=white, width=8)
    draw.line((WIDTH // 2, m, WIDTH // 2, HEIGHT - m), fill=white, width=8)
    draw.ellipse(
        (WIDTH // 2 - 150, HEIGHT // 2 - 150, WIDTH // 2 + 150, HEIGHT // 2 + 150),
        outline=white,
        width=8,
    )
    draw.ellipse(
        (WIDTH // 2 - 10, HEIGHT // 2 - 10, WIDTH // 2 + 10, HEIGHT // 2 + 10),
        fill=white,
    )
    for side in (m, WIDTH - m):
        sign = 1 if side == m else -1
        draw.rectangle(
            sorted_box(side, HEIGHT // 2 - 270, side + sign * 260, HEIGHT // 2 + 270),
            outline=white,
            width=8,
        )
        draw.rectangle(
            sorted_box(side, HEIGHT // 2 - 120, side + sign * 90, HEIGHT // 2 + 120),
            outline=white,
            width=8,
        )
        draw.rectangle(
            sorted_box(side, HEIGHT // 2 - 60, side - sign * 36, HEIGHT // 2 + 60),
            outline=white,
            width=6,
        )
        spot = side + sign * 180
        draw.ellipse((spot - 8, HEIGHT // 2 - 8, spot + 8, HEIGHT // 2 + 8), fill=white)
    draw.ellipse((1000, 400, 1030, 430), fill=white, outline=(20, 20, 20), width=3)
    return image


def sorted_box(x0, y0, x1, y1):
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def ships(rng):
    """Two grey warship silhouettes on a dark sea under a hazy sky."""
    image = _gradient((150, 165, 180), (40, 62, 92))
    draw = ImageDraw.Draw(image)
    horizon = 560
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=(28, 46, 74))
    for _ in range(260):
        x, y = rng.randint(0, WIDTH), rng.randint(horizon + 10, HEIGHT)
        length = rng.randint(20, 60) * (1 + (y - horizon) / 300)
        draw.line((x, y, x + length, y), fill=(70, 96, 130), width=2)
    for x, scale in ((260, 0.7), (820, 1.0)):

        def p(dx, dy, x=x, scale=scale):
            return (x + dx * scale, horizon + 10 + dy * scale)

        draw.polygon([p(0, 0), p(620, 0), p(560, 50), p(40, 50)], fill=(78, 84, 92))
        draw.polygon(
            [
                p(180, 0),
                p(200, -70),
                p(330, -70),
                p(350, -110),
                p(400, -110),
                p(420, -40),
                p(470, -40),
                p(480, 0),
            ],
            fill=(88, 94, 102),
        )
        draw.line(
            (p(380, -110), p(380, -190)),
            fill=(88, 94, 102),
            width=max(2, int(6 * scale)),
        )
        draw.line(
            (p(520, -10), p(610, -30)), fill=(70, 76, 84), width=max(2, int(8 * scale))
        )
    return image


def cinema(rng):
    """Rows of red cinema seats facing a bright screen."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (14, 12, 20))
    draw = ImageDraw.Draw(image)
    screen = Image.new("RGB", (1000, 380), (0, 0, 0))
    screen.paste(_gradient((250, 248, 235), (200, 214, 230), size=(1000, 380)))
    image.paste(screen, (300, 80))
    glow = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(glow).polygon(
        [(300, 460), (1300, 460), (1600, 1067), (0, 1067)], fill=60
    )
    image.paste((120, 110, 130), mask=glow.filter(ImageFilter.GaussianBlur(40)))
    for row in range(6):
        y = 520 + row * 95
        seat_w = 70 + row * 14
        count = int((WIDTH + row * 200) / (seat_w + 12))
        start = (WIDTH - count * (seat_w + 12)) // 2
        for i in range(count):
            x = start + i * (seat_w + 12)
            draw.rounded_rectangle(
                (x, y, x + seat_w, y + 70 + row * 10), 14, fill=(150 - row * 6, 20, 32)
            )
            draw.rounded_rectangle(
                (x + 6, y + 6, x + seat_w - 6, y + 30), 10, fill=(185 - row * 8, 36, 48)
            )
    return image


DRAWINGS = {
    "talks": talks,
    "skyline": skyline,
    "chips": chips,
    "chart": chart,
    "sun": sun,
    "mountains": mountains,
    "pitch": pitch,
    "ships": ships,
    "cinema": cinema,
}


def draw_picture(name, seed=0):
    """Return JPEG bytes of the named demo picture."""
    rng = random.Random(f"{name}-{seed}")  # noqa: S311 (pictures, not secrets)
    image = DRAWINGS[name](rng)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()
