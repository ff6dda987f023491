/**
 * Private networks: unique names, labels, the network's range, its subnets
 * (inside the range, not overlapping) and its routes (destinations beside the
 * subnets, gateways inside them), each problem naming what it collides with.
 */
import type { NetworkZone } from "../catalogue";
import type { Description } from "../schema";
import type { Cidr } from "../../primitives/ip";
import {
  checkNetworkRange,
  checkRouteDestination,
  checkRouteGateway,
  checkSubnetRange,
} from "../../primitives/network-rules";
import type { PathSegment } from "../problems";
import type { PrivateNetworkSpec } from "../types";
import { checkLabels, reportRule, uniqueNames } from "./common";
import { labelsFor, type CheckContext } from "./context";

/** What the server checks need of a network: its place, range, valid subnets and zone. */
export interface NetworkInfo {
  readonly index: number;
  readonly range?: Cidr;
  readonly subnets: Cidr[];
  readonly zone: NetworkZone;
}

/** The networks, resolved, and what servers attached to them are checked against. */
export interface Networks {
  readonly networks: PrivateNetworkSpec[];
  /** By name, for the first network of each name. */
  readonly info: ReadonlyMap<string, NetworkInfo>;
  /** Each network name's first index. */
  readonly names: ReadonlyMap<string, number>;
}

type NetworkInput = Description["networks"][number];

/** Checks the networks list. */
export function checkNetworks(ctx: CheckContext): Networks {
  const { r, d } = ctx;
  const networks: PrivateNetworkSpec[] = [];
  const info = new Map<string, NetworkInfo>();
  const names = uniqueNames(r, d.networks, ["networks"], "network name", (n) => n.name);
  d.networks.forEach((network, i) => {
    const path: PathSegment[] = ["networks", i];
    checkLabels(r, [...path, "labels"], network.labels);
    const zone = network.zone ?? ctx.envZone;
    const checkedRange = checkNetworkRange(network.ip_range);
    if (!checkedRange.ok) reportRule(r, [...path, "ip_range"], checkedRange.problem);
    const range = checkedRange.ok ? checkedRange.value : undefined;
    const { subnets, subnetIndex } = checkSubnets(ctx, path, network, range);
    checkRoutes(ctx, path, network, range, subnets, subnetIndex);
    if (names.get(network.name) === i) info.set(network.name, { index: i, range, subnets, zone });
    networks.push({ ...network, zone, labels: labelsFor(ctx, "network", network.labels) });
  });
  return { networks, info, names };
}

/** The network's valid subnets, and the index in the list of each. */
function checkSubnets(
  ctx: CheckContext,
  path: readonly PathSegment[],
  network: NetworkInput,
  range: Cidr | undefined,
): { subnets: Cidr[]; subnetIndex: number[] } {
  const subnets: Cidr[] = [];
  const subnetIndex: number[] = [];
  network.subnets.forEach((subnet, j) => {
    const checked = checkSubnetRange(subnet.ip_range, range, subnets);
    const subnetPath = [...path, "subnets", j, "ip_range"];
    if (!checked.ok) {
      reportRule(ctx.r, subnetPath, checked.problem, (k) => [...path, "subnets", subnetIndex[k]!, "ip_range"]);
      return;
    }
    subnets.push(checked.value);
    subnetIndex.push(j);
  });
  return { subnets, subnetIndex };
}

/** Each route's destination (against the subnets and earlier routes) and gateway. */
function checkRoutes(
  ctx: CheckContext,
  path: readonly PathSegment[],
  network: NetworkInput,
  range: Cidr | undefined,
  subnets: readonly Cidr[],
  subnetIndex: readonly number[],
): void {
  const destinations: Cidr[] = [];
  const destinationIndex: number[] = [];
  network.routes.forEach((route, j) => {
    const routePath = [...path, "routes", j];
    const destination = checkRouteDestination(route.destination, subnets, destinations);
    if (destination.ok) {
      destinations.push(destination.value);
      destinationIndex.push(j);
    } else {
      const other = (k: number): PathSegment[] =>
        destination.problem.conflict?.kind === "route"
          ? [...path, "routes", destinationIndex[k]!, "destination"]
          : [...path, "subnets", subnetIndex[k]!, "ip_range"];
      reportRule(ctx.r, [...routePath, "destination"], destination.problem, other);
    }
    // The subnets are known only when all of them are valid.
    const allSubnets = subnets.length === network.subnets.length ? subnets : undefined;
    const gateway = checkRouteGateway(route.gateway, range, allSubnets);
    if (!gateway.ok) reportRule(ctx.r, [...routePath, "gateway"], gateway.problem);
  });
}
