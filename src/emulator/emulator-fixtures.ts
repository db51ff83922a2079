/** Realistic sample data for the emulator's read paths (shapes in docs/gateway.md, "Read paths: what the Gateway answers"). */

const SECURITIES = [
  {
    name: 'Infosys Ltd',
    isin: 'INE009A01021',
    nseTicker: 'INFY',
    bseTicker: '500209',
    quantity: 12,
    averagePrice: 1452.35,
  },
  {
    name: 'HDFC Bank Ltd',
    isin: 'INE040A01034',
    nseTicker: 'HDFCBANK',
    bseTicker: '500180',
    quantity: 20,
    averagePrice: 1580.1,
  },
  {
    name: 'Tata Consultancy Services Ltd',
    isin: 'INE467B01029',
    nseTicker: 'TCS',
    bseTicker: '532540',
    quantity: 4,
    averagePrice: 3890,
  },
  {
    name: 'Nippon India ETF Nifty 50 BeES',
    isin: 'INF204KB14I2',
    nseTicker: 'NIFTYBEES',
    bseTicker: '590103',
    quantity: 150,
    averagePrice: 241.82,
  },
];

const SMALLCASES = [
  {
    scid: 'SCMO_0002',
    name: 'Momentum Leaders',
    imageUrl: 'https://assets.smallcase.com/images/smallcases/160/SCMO_0002.png',
    shortDescription: 'Large caps with the strongest six-month price momentum',
    constituents: [
      { ticker: 'INFY', shares: 2 },
      { ticker: 'TCS', shares: 1 },
    ],
    stats: { minInvestAmount: 9620.5, returns: { oneYear: 0.184, threeYear: 0.521 } },
  },
  {
    scid: 'SCAW_0001',
    name: 'All Weather Investing',
    imageUrl: 'https://assets.smallcase.com/images/smallcases/160/SCAW_0001.png',
    shortDescription: 'Equity, gold and debt ETFs for every market',
    constituents: [
      { ticker: 'NIFTYBEES', shares: 10 },
      { ticker: 'GOLDBEES', shares: 25 },
    ],
    stats: { minInvestAmount: 4180, returns: { oneYear: 0.121, threeYear: 0.342 } },
  },
];

export function holdingsFor(smallcaseAuthId: string, broker: string, now: number): Record<string, unknown> {
  const snapshot = new Date(now - 15 * 60 * 1000).toISOString();
  return {
    smallcaseAuthId,
    broker,
    updating: false,
    lastUpdate: snapshot,
    snapshotDate: snapshot,
    securities: SECURITIES.map((s) => ({
      name: s.name,
      isin: s.isin,
      nseTicker: s.nseTicker,
      bseTicker: s.bseTicker,
      transactableQuantity: s.quantity,
      smallcaseQuantity: s.nseTicker === 'INFY' ? 2 : 0,
      holdings: { quantity: s.quantity, averagePrice: s.averagePrice },
      positions: {
        nse: { quantity: s.quantity, averagePrice: s.averagePrice },
        bse: { quantity: 0, averagePrice: 0 },
      },
    })),
    smallcases: {
      public: [SMALLCASES[0]],
      private: { investments: [], stats: { currentValue: 0, totalInvestment: 0 } },
    },
  };
}

export function investmentsFor(smallcaseAuthId: string): unknown[] {
  return [
    {
      iscid: `ISC_${smallcaseAuthId.slice(0, 12)}_1`,
      scid: 'SCMO_0002',
      name: 'Momentum Leaders',
      stats: { currentValue: 10480.2, totalInvestment: 9620.5, returns: 0.0894 },
      status: 'VALID',
    },
  ];
}

export function smallcaseList(count: number): unknown[] {
  return SMALLCASES.slice(0, Math.max(0, count));
}

export function smallcaseProfile(scid: string): Record<string, unknown> | undefined {
  const found = SMALLCASES.find((s) => s.scid === scid);
  if (!found) return undefined;
  return {
    ...found,
    description: `${found.shortDescription}. Rebalanced quarterly.`,
    rationale: 'Rules-based selection reviewed by the manager every quarter.',
    creator: { name: 'Windmill Capital', type: 'SEBI registered' },
    plans: null,
  };
}

export function newsFor(now: number, count: number): unknown[] {
  const items = [
    { headline: 'IT majors rally on strong deal wins', source: 'Example Wire', scids: ['SCMO_0002'] },
    { headline: 'Gold ETFs see record inflows', source: 'Example Wire', scids: ['SCAW_0001'] },
  ];
  return items.slice(0, Math.max(0, count)).map((item, index) => ({
    ...item,
    link: `https://news.example.com/${index + 1}`,
    publishedAt: new Date(now - (index + 1) * 3600 * 1000).toISOString(),
  }));
}
