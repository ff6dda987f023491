/**
 * The fields a server's create, rebuild and rescue requests share, read and
 * checked as Hetzner does (`invalid_input` on the field otherwise): the
 * image, the server type, the SSH keys, `user_data`, optional booleans; and
 * the root password the API answers when no SSH key is given.
 */
import { randomBytes } from "node:crypto";
import { type Sim, invalidInput } from "../core";
import { type Image, type ServerType, findImage, findServerType } from "./offer";
import { USER_DATA_MAX_BYTES } from "./server-record";
import { findSshKey } from "./ssh-keys";

/** The image a create or rebuild names, for the server type's architecture; `invalid_input` on `image` otherwise. */
export function requireImage(idOrName: unknown, type: ServerType): Image {
  if (idOrName === undefined || idOrName === null || idOrName === "") throw invalidInput("image", "is required");
  const image = findImage(idOrName, type.architecture);
  if (!image)
    throw invalidInput("image", `image ${JSON.stringify(idOrName)} for architecture ${type.architecture} not found`);
  if (image.architecture !== type.architecture) {
    throw invalidInput(
      "image",
      `image ${image.id} is for ${image.architecture}, server type ${type.name} is ${type.architecture}`,
    );
  }
  return image;
}

/** The server type a request names: one Hetzner sells today (retired types are unknown to the API). */
export function requireServerType(nameOrId: unknown): ServerType {
  if (nameOrId === undefined || nameOrId === null || nameOrId === "") throw invalidInput("server_type", "is required");
  const type = findServerType(nameOrId);
  if (!type) throw invalidInput("server_type", `server type ${JSON.stringify(nameOrId)} not found`);
  return type;
}

export function rootPassword(): string {
  return randomBytes(15).toString("base64url");
}

/** The root password a create or rebuild answers: none when the server has SSH keys (they log in instead). */
export function rootPasswordUnlessKeys(sshKeys: readonly number[]): string | null {
  return sshKeys.length > 0 ? null : rootPassword();
}

export function optionalBool(body: Record<string, any>, field: string, fallback: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") throw invalidInput(field, "must be a boolean");
  return v;
}

export function requireSshKeys(sim: Sim, raw: unknown): number[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput("ssh_keys", "must be a list of SSH key IDs or names");
  return raw.map((k) => {
    const key = findSshKey(sim, k);
    if (!key) throw invalidInput("ssh_keys", `SSH key ${JSON.stringify(k)} not found`);
    return key.id;
  });
}

export function requireUserData(raw: unknown): string {
  if (raw === undefined || raw === null) return "";
  if (typeof raw !== "string") throw invalidInput("user_data", "must be a string");
  if (Buffer.byteLength(raw, "utf8") > USER_DATA_MAX_BYTES)
    throw invalidInput("user_data", `must not be longer than ${USER_DATA_MAX_BYTES} bytes`);
  return raw;
}
