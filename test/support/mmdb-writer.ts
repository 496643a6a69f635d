/**
 * A minimal MaxMind DB (MMDB v2) writer for tests: an IPv4 tree of a few networks with 24-bit records, and a
 * data section of maps, strings and unsigned integers (the types a GeoLite2-City record needs). No writer
 * on npm here is MIT and small, and the format is short: https://maxmind.github.io/MaxMind-DB/
 */
type Value = string | number | Value[] | { [key: string]: Value }

const control = (type: number, size: number): Buffer => {
  const extended = type > 7
  const head = (extended ? 0 : type << 5) | (size < 29 ? size : size < 285 ? 29 : 30)
  const sizeBytes = size < 29 ? [] : size < 285 ? [size - 29] : [(size - 285) >> 8, (size - 285) & 0xff]
  return Buffer.from([head, ...(extended ? [type - 7] : []), ...sizeBytes])
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const bytes = Buffer.from(v, 'utf8')
    return Buffer.concat([control(2, bytes.length), bytes])
  }
  if (typeof v === 'number') {
    const bytes: number[] = []
    for (let n = v; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]) // uint32
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)])
  const entries = Object.entries(v)
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])])
}

/** An MMDB file with each `network` (IPv4 CIDR) answering its record. */
export function writeMmdb(networks: { network: string; record: Value }[], databaseType = 'GeoLite2-City'): Buffer {
  // The tree as nodes of [left, right]: a node index, or { data } for a record, or null for nothing.
  type Slot = number | { data: number } | null
  const nodes: [Slot, Slot][] = [[null, null]]
  const data: Buffer[] = []
  let dataSize = 0
  for (const { network, record } of networks) {
    const [ip, bits] = network.split('/')
    const address = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0)
    const at = { data: dataSize }
    const encoded = encode(record)
    data.push(encoded)
    dataSize += encoded.length
    let node = 0
    for (let depth = 0; depth < Number(bits); depth++) {
      const side = Math.floor(address / 2 ** (31 - depth)) % 2
      if (depth === Number(bits) - 1) nodes[node][side] = at
      else {
        let next = nodes[node][side]
        if (typeof next !== 'number') {
          nodes.push([null, null])
          next = nodes.length - 1
          nodes[node][side] = next
        }
        node = next
      }
    }
  }
  const count = nodes.length
  const tree = Buffer.alloc(count * 6)
  const value = (s: Slot) => (s === null ? count : typeof s === 'number' ? s : count + 16 + s.data)
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3)
    tree.writeUIntBE(value(r), i * 6 + 3, 3)
  })
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    description: { en: 'Umbra test database' },
  })
  const marker = Buffer.from('ABCDEF4D61784D696E642E636F6D', 'hex')
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata])
}
