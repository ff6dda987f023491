/**
 * DNS, checked on each hcloud_zone over the record sets of that zone (from
 * its record set resources, or from the description for secondary zones):
 * a CAA record, SPF and DMARC wherever mail is received, one record set per
 * name and type, and TXT values in the provider's form.
 */
import { formatTxtValue } from "../../constructs";
import { isExpression, type EnvModel, type ZoneModel } from "../environment-model";
import { RULE } from "../rules";
import { list, type Report, type ResourceCheck } from "./shared";

/** The text of a TXT value: its quoted strings joined, or the value itself. */
export function txtText(value: string): string {
  const strings = value.match(/"((?:[^"\\]|\\.)*)"/g);
  if (!strings) return value.trim();
  return strings.map((s) => s.slice(1, -1).replace(/\\(.)/g, "$1")).join("");
}

/** One zone being checked: its model, how findings name it, and its values by name and type. */
interface ZoneCheck {
  readonly zone: ZoneModel;
  /** `zone all2all.org (hcloud_zone.all2all-org in production-dns)`. */
  readonly where: string;
  readonly model: EnvModel;
  readonly report: Report;
}

function texts(zone: ZoneModel, name: string, type: string): string[] {
  return (zone.sets.get(`${name} ${type}`) ?? []).flatMap((s) => s.values);
}

/** dns-caa: a CAA record with an issue property at the apex. */
function checkCaa({ zone, where, report }: ZoneCheck): void {
  if (texts(zone, "@", "CAA").some((v) => /^\s*\d+\s+(issue|issuewild)\s/i.test(v))) return;
  report(
    RULE.dnsCaa,
    `${where} has no CAA record with an issue property at its apex: any certificate authority may issue ` +
      `certificates for it. Add { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"'] } (or the CA you ` +
      `use).`,
  );
}

/** dns-mail-auth: one SPF record and a DMARC record wherever an MX record set is. */
function checkMailAuth({ zone, where, model, report }: ZoneCheck): void {
  const mxNames = [...zone.sets.keys()]
    .filter((k) => k.endsWith(" MX"))
    .map((k) => k.slice(0, -3))
    .sort();
  for (const name of mxNames) {
    const fqdn = name === "@" ? zone.name : `${name}.${zone.name}`;
    const problems: string[] = [];
    const spf = texts(zone, name, "TXT").filter((v) => /^v=spf1(\s|$)/i.test(txtText(v)));
    if (spf.length === 0) problems.push(`no SPF record (TXT "v=spf1 …") at ${fqdn}`);
    else if (spf.length > 1)
      problems.push(`${spf.length} SPF records at ${fqdn} (receivers then treat SPF as a permanent error)`);
    const dmarcAt = [`_dmarc.${fqdn}`];
    const labels = fqdn.split(".");
    for (let i = 1; i <= labels.length - 2; i++) dmarcAt.push(`_dmarc.${labels.slice(i).join(".")}`);
    const isDmarc = (v: string) => /^v=DMARC1(\s*;|\s*$)/i.test(txtText(v));
    const hasDmarc = dmarcAt.some((n) => model.recordSets(n, "TXT").some((s) => s.values.some(isDmarc)));
    if (!hasDmarc) problems.push(`no DMARC record (TXT "v=DMARC1; …" at _dmarc.${fqdn} or at a parent's _dmarc)`);
    if (problems.length === 0) continue;
    const relative = (prefix: string) => (name === "@" ? prefix || "@" : prefix ? `${prefix}.${name}` : name);
    report(
      RULE.dnsMailAuth,
      `${where} has an MX record set at ${fqdn} but ${list(problems)}: without them anyone can send mail in its ` +
        `name. Add { name: "${relative("")}", type: TXT, values: ["v=spf1 mx -all"] } and { name: ` +
        `"${relative("_dmarc")}", type: TXT, values: ["v=DMARC1; p=quarantine"] }.`,
    );
  }
}

/** dns-rrset-ttl: one name and type is one record set, with one TTL. */
function checkRrsetTtl({ zone, where, report }: ZoneCheck): void {
  for (const [key, declared] of [...zone.sets.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const rrsets = declared.filter((s) => s.entry?.type === "hcloud_zone_rrset");
    const records = declared.filter((s) => s.entry?.type === "hcloud_zone_record");
    const described = declared.filter((s) => s.entry === undefined);
    if (rrsets.length + described.length + (records.length > 0 ? 1 : 0) <= 1) continue;
    const [name, type] = key.split(" ");
    const sources = declared.map(
      (s) => `${s.source}${s.entry?.type === "hcloud_zone_record" ? "" : ` (ttl ${s.ttl ?? "default"})`}`,
    );
    report(
      RULE.dnsRrsetTtl,
      `${where} declares the record set ${type} ${name === "@" ? "@" : name} more than once: ${list(sources)}. ` +
        `Hetzner keeps one record set per name and type, with one TTL, so these overwrite each other on every ` +
        `apply; declare every value of one name and type in one record set.`,
    );
  }
}

/** dns-txt-format: TXT values as the provider stores them, quoted strings of at most 255 bytes. */
function checkTxtFormat({ zone, where, report }: ZoneCheck): void {
  for (const [key, declared] of zone.sets) {
    if (!key.endsWith(" TXT")) continue;
    for (const set of declared) {
      for (const value of set.values) {
        if (isExpression(value)) continue;
        let expected: string;
        try {
          expected = formatTxtValue(value);
        } catch (err) {
          expected = `(${(err as Error).message.replace(/^TXT value: /, "")})`;
        }
        if (expected === value) continue;
        const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
        const fix = expected.startsWith("(")
          ? expected
          : `write it as ${expected.length > 80 ? `${expected.slice(0, 77)}…` : expected}`;
        report(
          RULE.dnsTxtFormat,
          `${where}: the TXT value ${JSON.stringify(shown)} of ${set.name} (${set.source}) is not in the ` +
            `provider's form, quoted strings of at most 255 bytes ("…" "…"): the API stores it differently and ` +
            `every plan shows a change. Fix: ${fix}; DnsZone.addRecordSet formats plain text for you.`,
        );
      }
    }
  }
}

export const dnsZone: ResourceCheck = {
  types: ["hcloud_zone"],
  check(entry, model, report) {
    if (typeof entry.body.name !== "string" || isExpression(entry.body.name)) return;
    const zone = model.zones.get(entry.body.name.toLowerCase().replace(/\.$/, ""));
    if (zone === undefined || zone.entry !== entry) return;
    const where = `zone ${zone.name} (${entry.address} in ${entry.stackName})`;
    const checking: ZoneCheck = { zone, where, model, report };
    checkCaa(checking);
    checkMailAuth(checking);
    checkRrsetTtl(checking);
    checkTxtFormat(checking);
  },
};
