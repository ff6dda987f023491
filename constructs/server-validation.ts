/**
 * The checks of a Server's props, run by its constructor before any resource
 * exists, in the order of the props' importance: names and placement, SSH
 * keys and user data, reverse DNS, ids, and last the adoption of an existing
 * server (which must adopt its primary IPs too). Each throws
 * `ConstructPropsError` with the value received and the fix.
 */
import { ConstructPropsError, checkInteger, isToken, show } from "./common";
import { checkHostname } from "./names";
import { checkLabels } from "./labels";
import { checkNumericImportId } from "./import-blocks";
import { MAX_USER_DATA_BYTES, type ServerProps } from "./server-props";

/** A Server's props after the checks, with their defaults applied. */
export interface CheckedServerProps {
  /** The Hetzner name (`name`, else the construct id). */
  readonly name: string;
  /** The image (`image`, else "debian-13"). */
  readonly image: string;
  /** The checked labels. */
  readonly labels: Record<string, string>;
  /** `protect`, else true. */
  readonly protect: boolean;
  /** `ipv4`, else false. */
  readonly ipv4: boolean;
  /** `ipv6HostNumber`, else 1. */
  readonly ipv6HostNumber: number;
}

/**
 * Checks every prop of `new Server(…, id, props)` and applies the defaults;
 * `where` names the construct (constructWhere has checked its id).
 */
export function checkServerProps(where: string, id: string, props: ServerProps): CheckedServerProps {
  const name = props.name ?? id;
  checkHostname(where, "name", name);
  requireText(where, "serverType", props.serverType, 'e.g. "cx23"');
  requireText(where, "location", props.location, 'e.g. "fsn1"');
  const image = props.image ?? "debian-13";
  requireText(where, "image", image, 'e.g. "debian-13"');
  const labels = checkLabels(where, props.labels);
  const protect = props.protect ?? true;
  const ipv4 = props.ipv4 ?? false;
  const ipv6HostNumber = props.ipv6HostNumber ?? 1;
  checkInteger(where, "ipv6HostNumber", ipv6HostNumber, 1, Number.MAX_SAFE_INTEGER, "1 gives <prefix>::1");
  checkSshKeysAndUserData(where, props);
  checkReverseDnsAndIds(where, props, ipv4);
  checkAdoption(where, props, ipv4);
  return { name, image, labels, protect, ipv4, ipv6HostNumber };
}

/** sshKeys: a list of non-empty ids or names; userData: at most MAX_USER_DATA_BYTES. */
function checkSshKeysAndUserData(where: string, props: ServerProps): void {
  if (!Array.isArray(props.sshKeys)) {
    throw new ConstructPropsError(
      where,
      `sshKeys must be a list of ssh key ids or names (got ${show(props.sshKeys)}); ` +
        "pass sshKeys.ids from an SshKeys construct",
    );
  }
  props.sshKeys.forEach((key, i) => {
    if (typeof key !== "string" || (!isToken(key) && key.trim() === "")) {
      throw new ConstructPropsError(where, `sshKeys[${i}] must be an ssh key id or name (got ${show(key)})`);
    }
  });
  if (props.userData !== undefined && !isToken(props.userData)) {
    const bytes = Buffer.byteLength(props.userData, "utf8");
    if (bytes > MAX_USER_DATA_BYTES) {
      throw new ConstructPropsError(
        where,
        `userData is ${bytes} bytes (Hetzner accepts at most ${MAX_USER_DATA_BYTES}); ` +
          "move large files out of cloud-init (fetch them, or use a volume)",
      );
    }
  }
}

/** reverseDns names (an IPv4 one only with ipv4), firewallIds and placementGroupId. */
function checkReverseDnsAndIds(where: string, props: ServerProps, ipv4: boolean): void {
  if (props.reverseDns?.ipv4 !== undefined && !ipv4) {
    throw new ConstructPropsError(
      where,
      `reverseDns.ipv4 is ${show(props.reverseDns.ipv4)} but the server has no IPv4; ` +
        "set ipv4: true or drop reverseDns.ipv4",
    );
  }
  if (props.reverseDns?.ipv4 !== undefined) {
    checkHostname(where, "reverseDns.ipv4", props.reverseDns.ipv4, { minLabels: 2 });
  }
  if (props.reverseDns?.ipv6 !== undefined) {
    checkHostname(where, "reverseDns.ipv6", props.reverseDns.ipv6, { minLabels: 2 });
  }
  (props.firewallIds ?? []).forEach((fw, i) => {
    checkInteger(where, `firewallIds[${i}]`, fw, 1, Number.MAX_SAFE_INTEGER, "pass FirewallPolicy.firewallId");
  });
  checkInteger(
    where,
    "placementGroupId",
    props.placementGroupId,
    1,
    Number.MAX_SAFE_INTEGER,
    "pass Token.asNumber(placementGroup.id)",
  );
}

/** Adoption of an existing server (`importId`): its primary IPs must be adopted too. */
function checkAdoption(where: string, props: ServerProps, ipv4: boolean): void {
  checkNumericImportId(where, "importId", props.importId);
  if (props.importPrimaryIpIds !== undefined && props.importId === undefined) {
    throw new ConstructPropsError(
      where,
      "importPrimaryIpIds is only meaningful with importId (adopting an existing server)",
    );
  }
  if (props.importId === undefined) return;
  const families: Array<"ipv6" | "ipv4"> = ipv4 ? ["ipv6", "ipv4"] : ["ipv6"];
  for (const family of families) {
    const given = props.importPrimaryIpIds?.[family];
    if (given === undefined) {
      const FAMILY = family.toUpperCase();
      throw new ConstructPropsError(
        where,
        `importId is set but importPrimaryIpIds.${family} is missing: adopting a server without its current ` +
          `primary ${FAMILY} would link a new address and delete the current one; give the id of the server's ` +
          `primary ${FAMILY} (hcloud primary-ip list), or "create" to get a new address on purpose`,
      );
    }
    if (given !== "create") checkNumericImportId(where, `importPrimaryIpIds.${family}`, given);
  }
  if (!ipv4 && props.importPrimaryIpIds?.ipv4 !== undefined) {
    throw new ConstructPropsError(
      where,
      "importPrimaryIpIds.ipv4 is given but ipv4 is false: set ipv4: true to keep the server's IPv4 " +
        "(with ipv4: false it would be released)",
    );
  }
}

/** Throws unless `value` is a non-empty string (or a token); `example` ends the message. */
function requireText(where: string, what: string, value: unknown, example: string): void {
  if (typeof value !== "string" || (!isToken(value) && value.trim() === "")) {
    throw new ConstructPropsError(where, `${what} must be a non-empty string (got ${show(value)}), ${example}`);
  }
}
