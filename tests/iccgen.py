"""Test data for print production: a minimal ICC v2 CMYK printer profile (naive CMYK<->Lab tables on a
2-point grid).  It is a valid profile for a PDF/X output intent, not a characterised printing condition."""

import struct

def s15f16(x): return struct.pack(">i", round(x * 65536))

def tag_desc(text):
    t = text.encode("ascii") + b"\0"
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(t)) + t + struct.pack(">II", 0, 0) + b"\0" * 3 + b"\0" * 67

def tag_text(text):
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"

def tag_xyz(x, y, z):
    return b"XYZ " + b"\0" * 4 + s15f16(x) + s15f16(y) + s15f16(z)

def lut16(inputs, outputs, grid, clut, in_entries=2, out_entries=2):
    head = b"mft2" + b"\0" * 4 + bytes([inputs, outputs, grid, 0])
    matrix = b"".join(s15f16(1.0 if i == j else 0.0) for i in range(3) for j in range(3))
    body = struct.pack(">HH", in_entries, out_entries)
    body += b"".join(struct.pack(">HH", 0, 65535) for _ in range(inputs))
    body += b"".join(struct.pack(">H", v) for v in clut)
    body += b"".join(struct.pack(">HH", 0, 65535) for _ in range(outputs))
    return head + matrix + body

def lab16(L, a, b):  # v2 Lab encoding for lut16: L 0..100 -> 0..65280, a/b -128..127.996 -> 0..65535
    return [round(L / 100 * 65280), round((a + 128) * 256), round((b + 128) * 256)]

def a2b():
    clut = []
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    L = 100 * (1 - 0.25 * c - 0.35 * m - 0.08 * y) * (1 - 0.9 * k)
                    L = max(5, L)
                    a = (-30 * c + 60 * m) * (1 - k)
                    b = (-45 * c + 80 * y - 5 * m) * (1 - k)
                    clut += [min(65535, max(0, v)) for v in lab16(L, a, b)]
    return lut16(4, 4 - 1, 2, clut)

def b2a():
    clut = []
    for L in (0, 1):
        for a in (0, 1):
            for b in (0, 1):
                k = 1 - L
                clut += [round(0.5 * (1 - a) * L * 65535 * 0), 0, 0, round(k * 65535)]
    return lut16(3, 4, 2, clut)

def profile(description="Generic CMYK (test data)"):
    tags = [(b"desc", tag_desc(description)), (b"cprt", tag_text("No copyright, test data")),
            (b"wtpt", tag_xyz(0.9642, 1.0, 0.8249)), (b"A2B0", a2b()), (b"B2A0", b2a())]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4: data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    size = 128 + len(body)
    header = struct.pack(">I", size) + b"none" + bytes([2, 0x10, 0, 0]) + b"prtr" + b"CMYK" + b"Lab "
    header += struct.pack(">6H", 2025, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 4 + struct.pack(">I", 0)
    header += b"\0" * 8 + b"\0" * 8 + struct.pack(">I", 0) + s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249)
    header += b"\0" * 4
    header += b"\0" * (128 - len(header))
    return header + body

