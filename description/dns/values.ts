/**
 * The values of a record set, one check per type: addresses or server
 * references (A, AAAA), TXT, MX, SRV, CAA, TLSA, SSHFP, and host names
 * (CNAME, NS, PTR); each normalised to zone-file presentation, with the
 * in-zone name it points to for the zone-wide checks.
 */
import { suggestionHint } from "../catalogue";
import { parseIpv4, parseIpv6, type Family } from "../../primitives/ip";
import type { RecordType } from "../schema";
import { parseDomainName } from "../domain-names";
import type { PathSegment } from "../problems";
import { hostTarget } from "./record-names";
import { txtPresentation } from "./txt";
import { CAA_TAGS, type RecordValue, type ZoneContext } from "./types";

/** A name a value points to, and what must be there: an address (MX, SRV, NS) or anything (CNAME). */
export interface ValueTarget {
  readonly fqdn: string;
  readonly needs: "address" | "any";
}

/** A checked value with its key for finding repeats, or a failure (reported). */
export type Checked = { ok: true; value: RecordValue; key: string; target?: ValueTarget } | { ok: false };

/** Where a value is, and the record set it belongs to. */
export interface ValueContext {
  readonly ctx: ZoneContext;
  readonly path: readonly PathSegment[];
  readonly owner: { name: string; fqdn: string };
  /** How many values the record set has. */
  readonly count: number;
}

function fail(vc: ValueContext, message: string, hint?: string): Checked {
  vc.ctx.report(vc.path, message, hint);
  return { ok: false };
}

function text(value: string): Checked & { ok: true } {
  return { ok: true, value: { kind: "text", text: value }, key: value.toLowerCase() };
}

function u16(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

const REFERENCE = /^([a-z][a-z0-9-]*)\.(ipv4|ipv6)$/;

/** Checks one value of a record set of `type`. */
export function checkValue(vc: ValueContext, type: RecordType, raw: string): Checked {
  switch (type) {
    case "A":
    case "AAAA":
      return checkAddress(vc, type, raw);
    case "TXT": {
      const presentation = txtPresentation(raw);
      if (!presentation.ok) return fail(vc, presentation.message, presentation.hint);
      return { ok: true, value: { kind: "text", text: presentation.text }, key: presentation.text };
    }
    case "MX":
      return checkMx(vc, raw);
    case "SRV":
      return checkSrv(vc, raw);
    case "CAA":
      return checkCaa(vc, raw);
    case "TLSA":
      return checkTlsa(vc, raw);
    case "SSHFP":
      return checkSshfp(vc, raw);
    case "CNAME": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { allowUnderscore: true, what: "CNAME target" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      if (target.fqdn === vc.owner.fqdn) return fail(vc, "a CNAME cannot point to itself");
      return { ...text(target.fqdn), target: { fqdn: target.fqdn, needs: "any" } };
    }
    case "NS": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { what: "NS host" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      return { ...text(target.fqdn), target: { fqdn: target.fqdn, needs: "address" } };
    }
    case "PTR": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { what: "PTR name" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      return text(target.fqdn);
    }
  }
}

/** An address literal of the record's family, or `<server>.<family>` of a server with that public address. */
function checkAddress(vc: ValueContext, type: "A" | "AAAA", raw: string): Checked {
  const family: Family = type === "A" ? "ipv4" : "ipv6";
  const value = raw.trim();
  const v4 = parseIpv4(value);
  const v6 = parseIpv6(value);
  if (type === "A" && v4 !== undefined) return text(value);
  if (type === "AAAA" && v6 !== undefined && v4 === undefined) return text(value);
  if (type === "A" && v6 !== undefined) {
    return fail(vc, `A record value "${value}" is an IPv6 address`, "IPv6 addresses go in an AAAA record");
  }
  if (type === "AAAA" && v4 !== undefined) {
    return fail(vc, `AAAA record value "${value}" is an IPv4 address`, "IPv4 addresses go in an A record");
  }
  const ref = REFERENCE.exec(value);
  if (!ref) {
    return fail(
      vc,
      `${type} record value "${value}" is neither an ${family === "ipv4" ? "IPv4" : "IPv6"} address ` +
        "nor a server reference",
      `write an address or <server>.${family}, e.g. web-1.${family}`,
    );
  }
  const [server, refFamily] = [ref[1]!, ref[2]!]; // REFERENCE's groups are mandatory
  if (refFamily !== family) {
    return fail(
      vc,
      `${type} record cannot hold ${value}`,
      `use ${server}.${family}, or put ${value} in an ${refFamily === "ipv4" ? "A" : "AAAA"} record`,
    );
  }
  const info = vc.ctx.servers.get(server);
  if (!info) {
    return fail(
      vc,
      `${value} refers to an unknown server "${server}"`,
      suggestionHint(server, [...vc.ctx.servers.keys()], "servers"),
    );
  }
  if (!info[family]) {
    return fail(
      vc,
      `${value}: server ${server} has no public ${family === "ipv4" ? "IPv4" : "IPv6"}`,
      `set servers[${info.index}].public.${family}: true, or drop this value`,
    );
  }
  return { ok: true, value: { kind: "address", server, family }, key: `${server}.${family}` };
}

/** `<priority> <host>`, or the null MX `0 .` alone (RFC 7505). */
function checkMx(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) return fail(vc, `MX value "${raw}" must be "<priority> <host>"`, 'e.g. "10 mail.all2all.org."');
  const [priorityText, host] = [match[1]!, match[2]!]; // the pattern's groups are mandatory
  const priority = u16(priorityText);
  if (priority === undefined) return fail(vc, `MX priority "${priorityText}" must be a number from 0 to 65535`);
  if (host === ".") {
    if (priority !== 0 || vc.count !== 1) {
      return fail(vc, 'a null MX ("0 .") must have priority 0 and be the only MX value (RFC 7505)');
    }
    return text("0 .");
  }
  const target = hostTarget(host, vc.ctx.zone, { what: "MX host" });
  if (!target.ok) return fail(vc, target.message, target.hint);
  return { ...text(`${priority} ${target.fqdn}`), target: { fqdn: target.fqdn, needs: "address" } };
}

/** Where an SRV or TLSA record set lives (`_<label>._<proto>`) and how its four fields are written. */
interface ServiceRecordForm {
  readonly type: "SRV" | "TLSA";
  readonly firstLabel: RegExp;
  readonly protocols: readonly string[];
  /** The owner's form and an example, e.g. `_service._proto`, `_submissions._tcp`. */
  readonly owner: readonly [form: string, example: string];
  /** The value's form and an example, e.g. `<priority> <weight> <port> <target>`, `0 1 465 mail.all2all.org.`. */
  readonly value: readonly [form: string, example: string];
}

const SRV_FORM: ServiceRecordForm = {
  type: "SRV",
  firstLabel: /^_[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  protocols: ["_tcp", "_udp", "_tls", "_sctp"],
  owner: ["_service._proto", "_submissions._tcp"],
  value: ["<priority> <weight> <port> <target>", "0 1 465 mail.all2all.org."],
};

const TLSA_FORM: ServiceRecordForm = {
  type: "TLSA",
  firstLabel: /^_[0-9]{1,5}$/,
  protocols: ["_tcp", "_udp", "_sctp"],
  owner: ["_port._proto", "_25._tcp.mail"],
  value: ["<usage> <selector> <matching type> <hex data>", "3 1 1 <sha-256 hex>"],
};

/** The four fields of an SRV or TLSA value, once its owner name has the form; undefined when refused (reported). */
function serviceFields(
  vc: ValueContext,
  raw: string,
  form: ServiceRecordForm,
): readonly [string, string, string, string] | undefined {
  const labels = vc.owner.name.split(".");
  if (labels.length < 2 || !form.firstLabel.test(labels[0]!) || !form.protocols.includes(labels[1]!)) {
    fail(vc, `${form.type} record name "${vc.owner.name}" must start with ${form.owner[0]}`, `e.g. "${form.owner[1]}"`);
    return undefined;
  }
  const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) {
    fail(vc, `${form.type} value "${raw}" must be "${form.value[0]}"`, `e.g. "${form.value[1]}"`);
    return undefined;
  }
  // The pattern's four groups are mandatory: a match has all of them.
  return [match[1]!, match[2]!, match[3]!, match[4]!];
}

/** An SRV record at `_service._proto`: `<priority> <weight> <port> <target>`, target "." for no service. */
function checkSrv(vc: ValueContext, raw: string): Checked {
  const fields = serviceFields(vc, raw, SRV_FORM);
  if (!fields) return { ok: false };
  const [priorityText, weightText, portText, targetText] = fields;
  const [priority, weight, port] = [u16(priorityText), u16(weightText), u16(portText)];
  if (priority === undefined) return fail(vc, `SRV priority "${priorityText}" must be a number from 0 to 65535`);
  if (weight === undefined) return fail(vc, `SRV weight "${weightText}" must be a number from 0 to 65535`);
  if (port === undefined) return fail(vc, `SRV port "${portText}" must be a number from 0 to 65535`);
  if (targetText === ".") return text(`${priority} ${weight} ${port} .`);
  if (port === 0) return fail(vc, 'SRV port 0 is only meaningful with the target "." (service not offered)');
  const target = hostTarget(targetText, vc.ctx.zone, { what: "SRV target" });
  if (!target.ok) return fail(vc, target.message, target.hint);
  return { ...text(`${priority} ${weight} ${port} ${target.fqdn}`), target: { fqdn: target.fqdn, needs: "address" } };
}

/** `<flag> <tag> <value>`: a known tag, and a value of the form the tag needs. */
function checkCaa(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)\s+(.*)$/.exec(raw.trim());
  if (!match) return fail(vc, `CAA value "${raw}" must be "<flag> <tag> <value>"`, 'e.g. 0 issue "letsencrypt.org"');
  const [flagText, tagText, valueText] = [match[1]!, match[2]!, match[3]!]; // the pattern's groups are mandatory
  if (flagText !== "0" && flagText !== "128") return fail(vc, `CAA flag "${flagText}" must be 0, or 128 (critical)`);
  const tag = tagText.toLowerCase();
  if (!(CAA_TAGS as readonly string[]).includes(tag)) {
    return fail(vc, `unknown CAA tag "${tagText}"`, suggestionHint(tag, CAA_TAGS, "CAA tags"));
  }
  let value = valueText.trim();
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"') || /(^|[^\\])"/.test(value.slice(1, -1))) {
      return fail(vc, `CAA value ${value} is not one quoted string`);
    }
    value = value.slice(1, -1);
  }
  if (tag === "issue" || tag === "issuewild" || tag === "issuemail" || tag === "issuevmc") {
    const issuer = value.split(";")[0]!.trim(); // split gives at least one part
    if (issuer !== "") {
      const parsed = parseDomainName(issuer, { minLabels: 2 });
      if (!parsed.ok) {
        return fail(
          vc,
          `CAA ${tag} value "${issuer}" is not a CA's domain name: it ${parsed.reason}`,
          'e.g. "letsencrypt.org", or ";" to forbid issuance',
        );
      }
    }
  } else if (tag === "iodef") {
    if (!/^mailto:[^@\s]+@[^@\s]+$/.test(value) && !/^https?:\/\/\S+$/.test(value)) {
      return fail(
        vc,
        `CAA iodef value "${value}" must be a mailto: or https: URL`,
        'e.g. "mailto:hostmaster@all2all.org"',
      );
    }
  } else if (tag === "contactemail" && !/^[^@\s]+@[^@\s]+$/.test(value)) {
    return fail(vc, `CAA contactemail value "${value}" must be an e-mail address`);
  }
  return text(`${flagText} ${tag} "${value}"`);
}

/** A TLSA record at `_port._proto`: usage, selector, matching type and hex data of the right length. */
function checkTlsa(vc: ValueContext, raw: string): Checked {
  const fields = serviceFields(vc, raw, TLSA_FORM);
  if (!fields) return { ok: false };
  const [usage, selector, matching, data] = fields;
  if (!/^[0-3]$/.test(usage)) return fail(vc, `TLSA usage "${usage}" must be 0 to 3`);
  if (!/^[01]$/.test(selector)) return fail(vc, `TLSA selector "${selector}" must be 0 or 1`);
  if (!/^[0-2]$/.test(matching)) return fail(vc, `TLSA matching type "${matching}" must be 0, 1 or 2`);
  const hexLength = matching === "1" ? 64 : matching === "2" ? 128 : undefined;
  if (!/^[0-9a-fA-F]+$/.test(data) || data.length % 2 !== 0 || (hexLength !== undefined && data.length !== hexLength)) {
    const digits = hexLength ?? "an even number of";
    return fail(vc, `TLSA data must be ${digits} hex digits${hexLength ? ` for matching type ${matching}` : ""}`);
  }
  return text(`${usage} ${selector} ${matching} ${data.toLowerCase()}`);
}

/** `<algorithm> <type> <hex fingerprint>`, as ssh-keygen -r prints them. */
function checkSshfp(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) {
    return fail(
      vc,
      `SSHFP value "${raw}" must be "<algorithm> <type> <hex fingerprint>"`,
      "ssh-keygen -r HOST prints them",
    );
  }
  const [algorithm, type, data] = [match[1]!, match[2]!, match[3]!]; // the pattern's groups are mandatory
  if (!["1", "2", "3", "4", "6"].includes(algorithm)) {
    return fail(vc, `SSHFP algorithm "${algorithm}" must be 1, 2, 3, 4 or 6`);
  }
  if (type !== "1" && type !== "2") {
    return fail(vc, `SSHFP fingerprint type "${type}" must be 1 (SHA-1) or 2 (SHA-256)`);
  }
  const length = type === "1" ? 40 : 64;
  if (!/^[0-9a-fA-F]+$/.test(data) || data.length !== length) {
    return fail(vc, `SSHFP fingerprint must be ${length} hex digits for type ${type}`);
  }
  return text(`${algorithm} ${type} ${data.toLowerCase()}`);
}
