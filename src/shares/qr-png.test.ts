import { inflateSync } from 'node:zlib'
import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { encodeQrPng, type QrModules } from './qr-png.ts'

/** The chunks of a PNG file, CRCs checked by reading them back with the length they claim. */
function chunks(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  const found: { type: string; data: Buffer }[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    found.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) })
    at += 12 + length
  }
  return found
}

/** Pixel (x, y) of a 1-bit greyscale PNG: true for black. */
function blackAt(png: Buffer) {
  const [ihdr, idat] = chunks(png)
  const width = ihdr.data.readUInt32BE(0)
  const raw = inflateSync(idat.data)
  const stride = 1 + Math.ceil(width / 8)
  return { width, black: (x: number, y: number) => (raw[y * stride + 1 + (x >> 3)] & (0x80 >> (x & 7))) === 0 }
}

describe('QR PNG encoder', () => {
  it.each([64, 300, 512, 2048])('draws every module of the code at %i px, in its quiet zone', async (width) => {
    const modules = QRCode.create('http://umbra.test/spring-sale', { errorCorrectionLevel: 'M' }).modules
    const png = await encodeQrPng(modules, width, 2)
    const found = chunks(png)
    expect(found.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
    expect([...found[0].data]).toEqual([
      ...[0, 0, width >> 8, width & 255],
      ...[0, 0, width >> 8, width & 255],
      1,
      0,
      0,
      0,
      0,
    ])
    const { black } = blackAt(png)
    const scale = width / (modules.size + 4)
    // The centre of each module's pixels is that module's colour; the quiet zone is white.
    for (let row = -2; row < modules.size + 2; row++)
      for (let col = -2; col < modules.size + 2; col++) {
        const dark =
          row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.data[row * modules.size + col]
        const [x, y] = [Math.floor((col + 2.5) * scale), Math.floor((row + 2.5) * scale)]
        expect(black(x, y), `module ${row},${col}`).toBe(Boolean(dark))
      }
  })

  it('renders a tiny hand-made code pixel for pixel', async () => {
    const modules: QrModules = { size: 2, data: [1, 0, 0, 1] }
    const { width, black } = blackAt(await encodeQrPng(modules, 8, 1))
    expect(width).toBe(8)
    const picture = Array.from({ length: 8 }, (_, y) =>
      Array.from({ length: 8 }, (_, x) => (black(x, y) ? '#' : '.')).join(''),
    )
    expect(picture).toEqual([
      '........',
      '........',
      '..##....',
      '..##....',
      '....##..',
      '....##..',
      '........',
      '........',
    ])
  })
})
