export { FillFirstSelector } from './fill-first.js';
export { LeastInFlightSelector } from './least-in-flight.js';
export { PrioritySelector } from './priority.js';
export { RoundRobinSelector } from './round-robin.js';
export { StickySelector, type StickySelectorOptions } from './sticky.js';
export type { PickContext, Selector, SelectorNeeds } from './types.js';
export { WeightedSelector } from './weighted.js';
