/**
 * PrivateNetwork: an `hcloud_network` with its subnets and routes.
 *
 * Address scheme, for `new PrivateNetwork(stack, "internal", …)`:
 *
 *   hcloud_network.internal
 *   hcloud_network_subnet.internal-<subnet>   <subnet> = the subnet's name, by default its range
 *                                             ("10.20.1.0/24" → internal-10-20-1-0-24)
 *   hcloud_network_route.internal-<route>     <route> = the route's name, by default "route-" + its
 *                                             destination ("10.30.0.0/24" → internal-route-10-30-0-0-24)
 *
 * Naming subnets and routes after their ranges by default is stable: every
 * attribute of a subnet, and a route's destination, replaces the resource
 * anyway, so the address changes exactly when the resource would.
 *
 * Safe defaults: protect: true → delete_protection and prevent_destroy on the
 * network (a changed ip_range replaces the network and detaches every server;
 * in production the plan stops instead).
 *
 * Checked early (literal values; tokens are skipped): the range is an RFC 1918
 * IPv4 block of /24 or larger (Hetzner's rules), subnets lie inside it and do
 * not overlap, all subnets share one network zone, routes have a gateway
 * inside the network (not its first address, which Hetzner uses, nor
 * 172.31.1.1) and a destination that overlaps no subnet and no other route.
 */
import { Construct } from "constructs";
import { Token } from "cdktn";
import * as network from "../.gen/providers/hcloud/network";
import * as networkRoute from "../.gen/providers/hcloud/network-route";
import * as networkSubnet from "../.gen/providers/hcloud/network-subnet";
import { ConstructPropsError, checkInteger, isToken, show } from "./common";
import { type Labels, checkLabels } from "./labels";
import { protectedLifecycle } from "./protection";
import { checkNumericImportId } from "./import-blocks";
import { constructWhere, newItemWhere, pinnedResource } from "./construct-setup";
import type { Cidr } from "../primitives/ip";
import {
  checkNetworkRange,
  checkRouteDestination,
  checkRouteGateway,
  checkSubnetRange,
  type Checked,
} from "../primitives/network-rules";

/** Hetzner network zones. */
export const NETWORK_ZONES = ["eu-central", "us-east", "us-west", "ap-southeast"] as const;
export type NetworkZone = (typeof NETWORK_ZONES)[number];

/** One subnet. */
export interface SubnetOptions {
  /** The subnet's range, inside the network's, e.g. "10.20.1.0/24". */
  readonly ipRange: string;
  /**
   * Short name, part of the address (`hcloud_network_subnet.<network>-<name>`).
   * @default - the range, dots and slash as hyphens ("10-20-1-0-24")
   */
  readonly name?: string;
  /**
   * Network zone of the subnet; every subnet of a network must share one.
   * @default - the network's `networkZone`
   */
  readonly networkZone?: NetworkZone;
  /**
   * Subnet type: "cloud" for cloud servers, "vswitch" to couple a Robot vSwitch.
   * @default "cloud"
   */
  readonly type?: "cloud" | "vswitch";
  /**
   * The Robot vSwitch id, required with type "vswitch".
   * @default - none
   */
  readonly vswitchId?: number;
}

/** One static route. */
export interface RouteOptions {
  /** Destination block, e.g. "10.30.0.0/24" (a VPN behind a gateway server). */
  readonly destination: string;
  /** The server address inside the network that routes it, e.g. "10.20.1.10". */
  readonly gateway: string;
  /**
   * Short name, part of the address (`hcloud_network_route.<network>-<name>`).
   * @default - "route-" + the destination, dots and slash as hyphens
   */
  readonly name?: string;
}

export interface PrivateNetworkProps {
  /**
   * The network's name at Hetzner.
   * @default - the construct id
   */
  readonly name?: string;
  /** The whole network's range: an RFC 1918 IPv4 block, /24 or larger (Hetzner recommends /16). */
  readonly ipRange: string;
  /** Labels of the network (managed-by, environment, role). */
  readonly labels: Labels;
  /**
   * Production protection: delete_protection and prevent_destroy.
   * @default true - safe; a staging stack passes false explicitly
   */
  readonly protect?: boolean;
  /**
   * Network zone of subnets that name none.
   * @default "eu-central" - Falkenstein, Nuremberg and Helsinki
   */
  readonly networkZone?: NetworkZone;
  /**
   * Subnets to create now; more with `addSubnet()`.
   * @default - none
   */
  readonly subnets?: readonly SubnetOptions[];
  /**
   * Routes to create now; more with `addRoute()`.
   * @default - none
   */
  readonly routes?: readonly RouteOptions[];
  /**
   * Id of an existing network to adopt with an import block.
   * @default - the network is created
   */
  readonly importId?: string;
}

/**
 * The value a network rule accepted (primitives/network-rules.ts), or its
 * problem thrown, naming the property and, on a collision, the other subnet
 * or route by name.
 */
function valid<T>(where: string, property: string, checked: Checked<T>, nameOf?: (index: number) => string): T {
  if (checked.ok) return checked.value;
  const { message, hint, conflict } = checked.problem;
  const other = conflict !== undefined && nameOf !== undefined ? ` ("${nameOf(conflict.index)}")` : "";
  throw new ConstructPropsError(where, `${property}: ${message}${other}${hint === undefined ? "" : `; ${hint}`}`);
}

export class PrivateNetwork extends Construct {
  /** The hcloud_network resource. */
  readonly network: network.Network;
  /** The network id as a number (for subnets, attachments, load balancers). */
  readonly networkId: number;
  /** Whether the construct applies production protection. */
  readonly protect: boolean;

  private readonly where: string;
  private readonly baseName: string;
  private readonly range: Cidr | undefined;
  private readonly defaultZone: NetworkZone;
  private readonly subnetsByName = new Map<
    string,
    { readonly subnet: networkSubnet.NetworkSubnet; readonly range?: Cidr; readonly zone: string }
  >();
  private readonly routesByName = new Map<
    string,
    { readonly route: networkRoute.NetworkRoute; readonly destination?: Cidr }
  >();

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.where = constructWhere("PrivateNetwork", id);
    this.baseName = id;
    this.protect = props.protect ?? true;
    const labels = checkLabels(this.where, props.labels);
    this.defaultZone = props.networkZone ?? "eu-central";
    checkZone(this.where, "networkZone", this.defaultZone);
    checkNumericImportId(this.where, "importId", props.importId);

    if (!isToken(props.ipRange)) this.range = valid(this.where, "ipRange", checkNetworkRange(props.ipRange));

    this.network = new network.Network(this, "network", {
      name: props.name ?? id,
      ipRange: props.ipRange,
      labels,
      deleteProtection: this.protect,
      lifecycle: protectedLifecycle(this.protect),
    });
    pinnedResource(this.network, id, props.importId);
    this.networkId = Token.asNumber(this.network.id);

    for (const subnet of props.subnets ?? []) this.addSubnet(subnet);
    for (const route of props.routes ?? []) this.addRoute(route);
  }

  /**
   * The name of a new subnet or route (the one given, else one derived from
   * its range: `10-20-1-0-24`, `route-10-30-0-0-24`), checked to be new, and
   * how messages name the item.
   */
  private newRangeItem(
    kind: "subnet" | "route",
    field: "ipRange" | "destination",
    range: string,
    given: string | undefined,
    declared: ReadonlyMap<string, unknown>,
  ): { name: string; where: string } {
    const prefix = kind === "route" ? "route-" : "";
    const name = given ?? (isToken(range) ? undefined : `${prefix}${slugOfRange(range)}`);
    if (name === undefined) {
      throw new ConstructPropsError(
        this.where,
        `a ${kind} whose ${field} is a token needs a name (it becomes part of the address)`,
      );
    }
    const fix = `give each ${kind} its own ${field === "ipRange" ? "range" : "destination"} or name`;
    return { name, where: newItemWhere(this.where, kind, name, declared, { suffix: true, fix }) };
  }

  /** Adds a subnet (`hcloud_network_subnet.<network>-<name>`) and returns it; pass its `id` to Server networks. */
  addSubnet(options: SubnetOptions): networkSubnet.NetworkSubnet {
    const { name, where } = this.newRangeItem("subnet", "ipRange", options.ipRange, options.name, this.subnetsByName);
    const zone = options.networkZone ?? this.defaultZone;
    checkZone(where, "networkZone", zone);
    for (const [otherName, other] of this.subnetsByName) {
      if (other.zone !== zone) {
        throw new ConstructPropsError(
          where,
          `networkZone "${zone}" differs from subnet "${otherName}" ` +
            `("${other.zone}"): all subnets of a network share one network zone`,
        );
      }
    }
    const type = options.type ?? "cloud";
    if (type !== "cloud" && type !== "vswitch") {
      throw new ConstructPropsError(where, `type must be "cloud" or "vswitch" (got ${show(type)})`);
    }
    if (type === "vswitch" && options.vswitchId === undefined) {
      throw new ConstructPropsError(where, `type "vswitch" needs vswitchId (the Robot vSwitch id)`);
    }
    if (type !== "vswitch" && options.vswitchId !== undefined) {
      throw new ConstructPropsError(where, `vswitchId is only meaningful with type "vswitch"`);
    }
    if (type === "vswitch" && zone !== "eu-central") {
      throw new ConstructPropsError(
        where,
        `vSwitch coupling is only possible in network zone "eu-central" (got "${zone}")`,
      );
    }
    checkInteger(where, "vswitchId", options.vswitchId, 1, Number.MAX_SAFE_INTEGER, "give the Robot vSwitch id");
    let range: Cidr | undefined;
    if (!isToken(options.ipRange)) {
      const known = [...this.subnetsByName].filter(([, o]) => o.range !== undefined);
      range = valid(
        where,
        "ipRange",
        checkSubnetRange(
          options.ipRange,
          this.range,
          known.map(([, o]) => o.range!),
        ),
        (i) => known[i]![0],
      );
    }
    const subnet = new networkSubnet.NetworkSubnet(this, `subnet-${name}`, {
      networkId: this.networkId,
      type,
      networkZone: zone,
      ipRange: options.ipRange,
      vswitchId: options.vswitchId,
    });
    pinnedResource(subnet, `${this.baseName}-${name}`);
    this.subnetsByName.set(name, { subnet, range, zone });
    return subnet;
  }

  /** Adds a static route (`hcloud_network_route.<network>-<name>`) and returns it. */
  addRoute(options: RouteOptions): networkRoute.NetworkRoute {
    const { name, where } = this.newRangeItem(
      "route",
      "destination",
      options.destination,
      options.name,
      this.routesByName,
    );
    const subnets = [...this.subnetsByName].filter(([, o]) => o.range !== undefined);
    let destination: Cidr | undefined;
    if (!isToken(options.destination)) {
      const routes = [...this.routesByName].filter(([, o]) => o.destination !== undefined);
      const checked = checkRouteDestination(
        options.destination,
        subnets.map(([, o]) => o.range!),
        routes.map(([, o]) => o.destination!),
      );
      destination = valid(
        where,
        "destination",
        checked,
        (i) => (checked.ok || checked.problem.conflict?.kind === "subnet" ? subnets : routes)[i]![0],
      );
    }
    if (!isToken(options.gateway)) {
      // Every subnet's range known: the gateway must be in one of them.
      const known =
        subnets.length > 0 && subnets.length === this.subnetsByName.size ? subnets.map(([, o]) => o.range!) : undefined;
      valid(where, "gateway", checkRouteGateway(options.gateway, this.range, known));
    }
    const route = new networkRoute.NetworkRoute(this, name, {
      networkId: this.networkId,
      destination: options.destination,
      gateway: options.gateway,
    });
    pinnedResource(route, `${this.baseName}-${name}`);
    this.routesByName.set(name, { route, destination });
    return route;
  }

  /** A subnet by name (its default name is its range as "10-20-1-0-24"). */
  subnet(name: string): networkSubnet.NetworkSubnet {
    const found = this.subnetsByName.get(name);
    if (found === undefined) {
      throw new ConstructPropsError(
        this.where,
        `no subnet named ${show(name)} (declared: ${[...this.subnetsByName.keys()].join(", ") || "none"})`,
      );
    }
    return found.subnet;
  }

  /** Subnets by name, in order. */
  get subnets(): ReadonlyMap<string, networkSubnet.NetworkSubnet> {
    return new Map([...this.subnetsByName].map(([name, { subnet }]) => [name, subnet]));
  }

  /** Routes by name, in order. */
  get routes(): ReadonlyMap<string, networkRoute.NetworkRoute> {
    return new Map([...this.routesByName].map(([name, { route }]) => [name, route]));
  }
}

/** "10.20.1.0/24" → "10-20-1-0-24". */
export function slugOfRange(range: string): string {
  return range.replace(/[./:]/g, "-").toLowerCase();
}

function checkZone(where: string, what: string, zone: string): void {
  if (!(NETWORK_ZONES as readonly string[]).includes(zone)) {
    throw new ConstructPropsError(
      where,
      `${what} ${show(zone)} is not a Hetzner network zone (${NETWORK_ZONES.join(", ")})`,
    );
  }
}
