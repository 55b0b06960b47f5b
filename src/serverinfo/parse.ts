import { XMLParser } from 'fast-xml-parser'
import { SyntaxValidator } from 'fast-xml-validator'
import { ServerInfoError } from './errors.ts'

// docs/design.md "getserverinfo override": the XCCOS envelope's namespace.
const XCCOS_NAMESPACE = 'urn:parlano:xml:ns:xccos'
const ROOM_MANAGEMENT_URL = 'roommanagementurl'

// Attribute values stay strings: envids are 19-digit numbers that a JS number
// would round. No DTD is ever processed (declarations are refused before
// parsing), so only XML's predefined and numeric character entities expand.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true
})

type XmlNode = Record<string, unknown>

/**
 * The getserverinfo reply's `roomManagementUrl` (MS-OCGCWEB 3.1.3,
 * [MS-XCCOSIP] 3.1.4.5), from the XCCOS XML reply or from JSON
 * `{"roomManagementUrl": "…"}`; the format is taken from the content type,
 * else sniffed. Returns `undefined` for a successful reply that names no URL
 * (empty or missing: no override). Throws a {@link ServerInfoError} for
 * anything that is not a successful reply.
 */
export function parseServerInfoReply (body: string, contentType: string | undefined): string | undefined {
  const type = contentType?.toLowerCase() ?? ''
  const start = body.trimStart().charAt(0)
  if (type.includes('json') || (!type.includes('xml') && start === '{')) return fromJson(body)
  if (type.includes('xml') || start === '<') return fromXml(body)
  throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', 'the reply is neither XML nor JSON')
}

function fromJson (body: string): string | undefined {
  let reply: unknown
  try {
    reply = JSON.parse(body)
  } catch {
    throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', 'the JSON reply does not parse')
  }
  if (!isNode(reply)) throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', 'the JSON reply is not an object')
  return urlValue(reply, 'a JSON roomManagementUrl')
}

function fromXml (body: string): string | undefined {
  // A DTD could declare entities (billion laughs) or external fetches (XXE);
  // a getserverinfo reply never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw new ServerInfoError('PCWP_SERVERINFO_DOCTYPE', 'the XML reply has a DOCTYPE or entity declaration, which is refused')
  }
  try {
    SyntaxValidator.validate(body) // throws for a document that is not well-formed
  } catch {
    throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', 'the XML reply is not well-formed')
  }
  const document = parser.parse(body) as XmlNode
  // The envelope may be written <xccos xmlns="…"> or <p:xccos xmlns:p="…">;
  // its children then carry the same prefix.
  const rootName = Object.keys(document).find(name => name === 'xccos' || name.endsWith(':xccos'))
  const prefix = rootName?.slice(0, -'xccos'.length) ?? ''
  const envelope = first(document[rootName ?? ''])
  if (envelope?.[prefix === '' ? 'xmlns' : `xmlns:${prefix.slice(0, -1)}`] !== XCCOS_NAMESPACE) {
    throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', `the XML reply is not an XCCOS message (<xccos xmlns="${XCCOS_NAMESPACE}">)`)
  }
  const reply = all(envelope[`${prefix}rpl`]).find(rpl => rpl.id === 'rpl:getserverinfo')
  if (reply === undefined) {
    throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', 'the XCCOS message has no rpl:getserverinfo reply')
  }
  // docs/design.md "getserverinfo override": success is resp/@code 200; anything else, or no resp, is a failure.
  const code = first(reply[`${prefix}resp`])?.code
  if (code !== '200') {
    throw new ServerInfoError('PCWP_SERVERINFO_REPLY_FAILED', `the getserverinfo reply failed (resp code ${typeof code === 'string' ? code.slice(0, 10) : 'missing'})`)
  }
  const sib = first(first(reply[`${prefix}data`])?.[`${prefix}sib`])
  return sib === undefined ? undefined : urlValue(sib, 'the sib roomManagementUrl attribute')
}

/** The roomManagementUrl of a node, its name matched case-insensitively; '' counts as none. */
function urlValue (node: XmlNode, what: string): string | undefined {
  const entry = Object.entries(node).find(([name]) => name.toLowerCase() === ROOM_MANAGEMENT_URL)
  const value = entry?.[1]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new ServerInfoError('PCWP_SERVERINFO_MALFORMED', `${what} is not a string`)
  const url = value.trim()
  return url === '' ? undefined : url
}

function isNode (value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function all (value: unknown): XmlNode[] {
  return (Array.isArray(value) ? value : [value]).filter(isNode)
}

function first (value: unknown): XmlNode | undefined {
  return all(value)[0]
}
