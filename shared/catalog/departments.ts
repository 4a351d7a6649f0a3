import type { DepartmentRef } from './types.ts';

/** Departments the catalog names. They are seeded with the catalog; administrators manage the rest. */
export const DEPARTMENTS = {
  market: { code: 'fz-scjg', name: '福州市市场监督管理局' },
  health: { code: 'fz-wjw', name: '福州市卫生健康委员会' },
  police: { code: 'fz-gaj', name: '福州市公安局' },
  hrss: { code: 'fz-rsj', name: '福州市人力资源和社会保障局' },
  planning: { code: 'fz-zrzy', name: '福州市自然资源和规划局' },
  housing: { code: 'fz-zjj', name: '福州市城乡建设局' },
  civilDefence: { code: 'fz-rfb', name: '福州市人民防空办公室' },
  tax: { code: 'fz-swj', name: '国家税务总局福州市税务局' },
} as const satisfies Record<string, DepartmentRef>;
