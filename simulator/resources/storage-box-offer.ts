/**
 * What the Hetzner API sells and requires for storage boxes: the storage box
 * types of `simulator/storage-box-types.json` (served at
 * `GET /storage_box_types`), the locations that sell them (location objects
 * from the compute family's offer), and the password policy of boxes and
 * subaccounts.
 *
 * Imports: ../core, ./offer, the fixture.
 */
import fixture from "../storage-box-types.json";
import { type Sim, invalidInput, notFound, ok, paginate } from "../core";
import { type Location, findLocation, withoutNotes } from "./offer";

/** One price of a storage box type in one location, as the API lists it. */
export interface StorageBoxTypePrice {
  readonly location: string;
  readonly price_hourly: { readonly net: string; readonly gross: string };
  readonly price_monthly: { readonly net: string; readonly gross: string };
  readonly setup_fee: { readonly net: string; readonly gross: string };
}

/** A storage box type as the API answers it (hcloud-go schema/storage_box_type.go). */
export interface StorageBoxType {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly snapshot_limit: number | null;
  readonly automatic_snapshot_limit: number | null;
  readonly subaccounts_limit: number;
  readonly size: number;
  readonly prices: readonly StorageBoxTypePrice[];
  readonly deprecation: { readonly announced: string; readonly unavailable_after: string } | null;
}

interface FixtureType extends Omit<StorageBoxType, "prices"> {
  readonly prices: { readonly net_monthly: string; readonly net_hourly: string };
}

/**
 * VAT the fixture's gross prices assume: 21 % (Belgium's, the association's country; the API uses the project owner's),
 * as in pricing.json.
 */
const VAT = 0.21;

const gross = (net: string): string => (Math.round(Number(net) * (1 + VAT) * 10000) / 10000).toFixed(4);

const price = (net: string): { net: string; gross: string } => ({ net, gross: gross(net) });

const notes = withoutNotes(fixture) as { locations: string[]; storage_box_types: FixtureType[] };

/** Names of the locations where storage boxes are sold. */
export const STORAGE_BOX_LOCATIONS: readonly string[] = notes.locations;

/** Every storage box type, with its prices in every location that sells boxes. */
export const STORAGE_BOX_TYPES: readonly StorageBoxType[] = notes.storage_box_types.map((t) => ({
  ...t,
  prices: STORAGE_BOX_LOCATIONS.map((location) => ({
    location,
    price_hourly: price(t.prices.net_hourly),
    price_monthly: price(t.prices.net_monthly),
    setup_fee: price("0.0000"),
  })),
}));

/** A storage box type by name or id, or `invalid_input` on `field`. */
export function requireStorageBoxType(field: string, nameOrId: unknown): StorageBoxType {
  const type = STORAGE_BOX_TYPES.find((t) => t.name === nameOrId || String(t.id) === String(nameOrId));
  if (!type) {
    throw invalidInput(
      field,
      `storage box type ${JSON.stringify(nameOrId)} not found; ` +
        `available: ${STORAGE_BOX_TYPES.map((t) => t.name).join(", ")}`,
    );
  }
  return type;
}

/** A location that sells storage boxes, by name or id, or `invalid_input` on `field`. */
export function requireStorageBoxLocation(field: string, nameOrId: unknown): Location {
  const location = findLocation(nameOrId);
  if (!location || !STORAGE_BOX_LOCATIONS.includes(location.name)) {
    throw invalidInput(
      field,
      `location ${JSON.stringify(nameOrId)} does not offer storage boxes; ` +
        `available: ${STORAGE_BOX_LOCATIONS.join(", ")}`,
    );
  }
  return location;
}

/**
 * Hetzner's password policy for storage boxes and subaccounts, as far as it
 * is known: 12 to 128 characters with at least one lower case letter, one
 * upper case letter, one digit and one special character, no white space or
 * control characters. (Which special characters Hetzner allows is not
 * checked.)
 */
export function checkPassword(password: unknown, field = "password"): string {
  if (typeof password !== "string" || password === "") throw invalidInput(field, "is required");
  const problems: string[] = [];
  if (password.length < 12 || password.length > 128)
    problems.push(`be 12 to 128 characters long (it has ${password.length})`);
  if (!/[a-z]/.test(password)) problems.push("contain a lower case letter");
  if (!/[A-Z]/.test(password)) problems.push("contain an upper case letter");
  if (!/[0-9]/.test(password)) problems.push("contain a digit");
  if (!/[^A-Za-z0-9\s]/.test(password)) problems.push("contain a special character");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Hetzner's password rule: no control characters
  if (/[\s\x00-\x1f\x7f]/.test(password)) problems.push("contain no white space or control characters");
  if (problems.length > 0)
    throw invalidInput(field, `the password does not match the password policy: it must ${problems.join(", ")}`);
  return password;
}

export function registerStorageBoxTypes(sim: Sim): void {
  sim.route("hetzner", "GET", "/storage_box_types", (req) => {
    const name = req.query.get("name");
    return paginate(
      "storage_box_types",
      STORAGE_BOX_TYPES.filter((t) => name === null || t.name === name),
      req.query,
    );
  });
  sim.route("hetzner", "GET", "/storage_box_types/:id", (req) => {
    const raw = req.params.id ?? "";
    const type = STORAGE_BOX_TYPES.find((t) => String(t.id) === raw);
    if (!type) throw notFound("storage box type", raw);
    return ok({ storage_box_type: type });
  });
}
