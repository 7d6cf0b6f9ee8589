import { TestApi } from '../support/api';

describe('imports of areas and network elements', () => {
  let api: TestApi;
  beforeAll(async () => (api = await TestApi.start()));
  afterAll(() => api.stop());

  const csv = (kind: string, text: string, key?: string) =>
    api.request('POST', `/v1/imports/${kind}`, { raw: text, contentType: 'text/csv', key });
  const ndjson = (kind: string, rows: object[]) =>
    api.request('POST', `/v1/imports/${kind}`, { raw: rows.map((r) => JSON.stringify(r)).join('\n'), contentType: 'application/x-ndjson' });

  it('should import an area tree listed children first and let children inherit the time zone', async () => {
    const res = await csv(
      'areas',
      [
        'code,name,parentCode,timezone',
        'T-NSK-C,"Novosibirsk, Centralny",T-NSK,',
        'T-NSK,Novosibirsk,T-SIB,',
        'T-SIB,Siberia,T-RU,Asia/Novosibirsk',
        'T-RU,Russia,,Europe/Moscow',
      ].join('\n'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ inserted: 4, updated: 0, unchanged: 0 });
    expect((await api.get('/v1/areas/T-NSK-C')).body).toMatchObject({
      name: 'Novosibirsk, Centralny',
      timezone: null,
      effectiveTimezone: 'Asia/Novosibirsk',
      ancestors: ['T-RU', 'T-SIB', 'T-NSK'],
    });
  });

  it('should update changed areas, count unchanged ones, and move a subtree when its parent changes', async () => {
    await csv('areas', 'code,name,parentCode,timezone\nU-A,A,,Europe/Kaliningrad\nU-B,B,,Asia/Vladivostok\nU-C,C,U-A,\nU-D,D,U-C,');
    const res = await ndjson('areas', [
      { code: 'U-A', name: 'A', timezone: 'Europe/Kaliningrad' },
      { code: 'U-B', name: 'B renamed', timezone: 'Asia/Vladivostok' },
      { code: 'U-C', name: 'C', parentCode: 'U-B' },
      { code: 'U-E', name: 'E', parentCode: 'U-D' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ inserted: 1, updated: 2, unchanged: 1 });
    expect((await api.get('/v1/areas/U-E')).body).toMatchObject({
      ancestors: ['U-B', 'U-C', 'U-D'],
      effectiveTimezone: 'Asia/Vladivostok',
    });
    expect((await api.get('/v1/areas/U-B')).body.name).toBe('B renamed');
  });

  it('should swap a parent and its child in one file', async () => {
    await csv('areas', 'code,name,parentCode\nS-P,P,\nS-C,C,S-P\nS-L,L,S-C');
    const res = await csv('areas', 'code,name,parentCode\nS-P,P,S-C\nS-C,C,');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ updated: 2 });
    expect((await api.get('/v1/areas/S-P')).body.ancestors).toEqual(['S-C']);
    expect((await api.get('/v1/areas/S-L')).body.ancestors).toEqual(['S-C']);
  });

  it('should move nodes whose current subtrees nest into each other in one file', async () => {
    await csv('areas', 'code,name,parentCode\nN-R,R,\nN-X,X,N-R\nN-Y,Y,N-X\nN-Z,Z,N-Y\nN-Q,Q,');
    const res = await csv('areas', 'code,name,parentCode\nN-X,X,N-Q\nN-Y,Y,N-Q');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ updated: 2 });
    expect((await api.get('/v1/areas/N-Y')).body.ancestors).toEqual(['N-Q']);
    expect((await api.get('/v1/areas/N-Z')).body.ancestors).toEqual(['N-Q', 'N-Y']);
    expect((await api.get('/v1/areas/N-X')).body.ancestors).toEqual(['N-Q']);
  });

  it('should reject a parent loop inside the file on the lines involved and import nothing', async () => {
    const before = await api.count('areas');
    const res = await csv('areas', 'code,name,parentCode\nL-OK,fine,\nL-A,A,L-B\nL-B,B,L-C\nL-C,C,L-A\nL-D,D,L-C\nL-S,S,L-S');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_INVALID');
    expect(res.body.error.details).toEqual([
      { line: 3, field: 'parentCode', message: 'parentCode L-B makes a loop: L-A → L-B → L-C → L-A' },
      { line: 4, field: 'parentCode', message: expect.stringContaining('makes a loop') },
      { line: 5, field: 'parentCode', message: expect.stringContaining('makes a loop') },
      { line: 6, field: 'parentCode', message: 'parentCode L-C hangs below a loop of parents' },
      { line: 7, field: 'parentCode', message: 'parentCode L-S makes a loop: L-S → L-S' },
    ]);
    expect(await api.count('areas')).toBe(before);
  });

  it('should reject a loop through rows already in the database', async () => {
    await csv('areas', 'code,name,parentCode\nE-X,X,\nE-Y,Y,E-X');
    const res = await csv('areas', 'code,name,parentCode\nE-X,X,E-Y');
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ line: 2, field: 'parentCode', message: 'parentCode E-Y makes a loop: E-X → E-Y → E-X' }]);
    expect((await api.get('/v1/areas/E-X')).body.parentCode).toBeNull();
  });

  it('should name unknown parents, repeated codes and invalid fields per line', async () => {
    const res = await csv('areas', 'code,name,parentCode,timezone\nR-A,A,NOPE,\nR-B,B,,Mars/Olympus\nR-A,again,,\n,no code,,');
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { line: 2, field: 'parentCode', message: 'area NOPE does not exist in the file or the database' },
      { line: 3, field: 'timezone', message: '"Mars/Olympus" is not a known IANA time zone' },
      { line: 4, field: 'code', message: 'code R-A is already on line 2' },
      { line: 5, field: 'code', message: 'is required' },
    ]);
    expect(res.body.error.message).toBe('the file has 4 problems; nothing was imported');
  });

  it('should refuse a NUL character, which PostgreSQL text cannot hold', async () => {
    const res = await ndjson('areas', [{ code: 'Z-1', name: 'bad\u0000name' }]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ line: 1, field: 'row', message: 'contains a NUL character' }]);
  });

  it('should import network elements in CSV and NDJSON with their areas', async () => {
    await csv('areas', 'code,name\nNE-AREA,Area');
    const first = await csv(
      'network-elements',
      'code,name,kind,parentCode,areaCode\nOLT-1,OLT 1,olt,AGG-1,NE-AREA\nAGG-1,Aggregation 1,aggregation,CORE-1,\nCORE-1,Core,core,,',
    );
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    const second = await ndjson('network-elements', [
      { code: 'OLT-1', name: 'OLT 1', kind: 'olt', parentCode: 'AGG-1' },
      { code: 'OLT-2', name: 'OLT 2', kind: 'olt', parentCode: 'CORE-1', areaCode: 'NE-AREA' },
    ]);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
    expect((await api.get('/v1/network-elements/OLT-1')).body).toMatchObject({ ancestors: ['CORE-1', 'AGG-1'], areaCode: null });
    expect((await api.get('/v1/network-elements/OLT-2')).body).toMatchObject({ ancestors: ['CORE-1'], areaCode: 'NE-AREA' });
  });

  it('should name unknown areas and parents of network elements', async () => {
    const res = await ndjson('network-elements', [
      { code: 'X-1', name: 'x', kind: 'olt', areaCode: 'NO-AREA' },
      { code: 'X-2', name: 'x', kind: 'olt', parentCode: 'NO-PARENT' },
      { code: 'X-3', name: 'x' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { line: 1, field: 'areaCode', message: 'area NO-AREA does not exist' },
      { line: 2, field: 'parentCode', message: 'network element NO-PARENT does not exist in the file or the database' },
      { line: 3, field: 'kind', message: 'is required' },
    ]);
  });
});
