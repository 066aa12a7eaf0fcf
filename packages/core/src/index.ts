export * from './errors';
export * from './faults';
export * from './vim25';
export * from './model';
