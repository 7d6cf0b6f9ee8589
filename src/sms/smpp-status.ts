/** SMPP 3.4 / 5.0 command_status values by name (the spec's table, plus 0x0058 throttling). */
const STATUS_NAMES: Record<number, string> = {
  0x0000: 'ESME_ROK',
  0x0001: 'ESME_RINVMSGLEN',
  0x0002: 'ESME_RINVCMDLEN',
  0x0003: 'ESME_RINVCMDID',
  0x0004: 'ESME_RINVBNDSTS',
  0x0005: 'ESME_RALYBND',
  0x0006: 'ESME_RINVPRTFLG',
  0x0007: 'ESME_RINVREGDLVFLG',
  0x0008: 'ESME_RSYSERR',
  0x000a: 'ESME_RINVSRCADR',
  0x000b: 'ESME_RINVDSTADR',
  0x000c: 'ESME_RINVMSGID',
  0x000d: 'ESME_RBINDFAIL',
  0x000e: 'ESME_RINVPASWD',
  0x000f: 'ESME_RINVSYSID',
  0x0011: 'ESME_RCANCELFAIL',
  0x0013: 'ESME_RREPLACEFAIL',
  0x0014: 'ESME_RMSGQFUL',
  0x0015: 'ESME_RINVSERTYP',
  0x0033: 'ESME_RINVNUMDESTS',
  0x0034: 'ESME_RINVDLNAME',
  0x0040: 'ESME_RINVDESTFLAG',
  0x0042: 'ESME_RINVSUBREP',
  0x0043: 'ESME_RINVESMCLASS',
  0x0044: 'ESME_RCNTSUBDL',
  0x0045: 'ESME_RSUBMITFAIL',
  0x0048: 'ESME_RINVSRCTON',
  0x0049: 'ESME_RINVSRCNPI',
  0x0050: 'ESME_RINVDSTTON',
  0x0051: 'ESME_RINVDSTNPI',
  0x0053: 'ESME_RINVSYSTYP',
  0x0054: 'ESME_RINVREPFLAG',
  0x0055: 'ESME_RINVNUMMSGS',
  0x0058: 'ESME_RTHROTTLED',
  0x0061: 'ESME_RINVSCHED',
  0x0062: 'ESME_RINVEXPIRY',
  0x0063: 'ESME_RINVDFTMSGID',
  0x0064: 'ESME_RX_T_APPN',
  0x0065: 'ESME_RX_P_APPN',
  0x0066: 'ESME_RX_R_APPN',
  0x0067: 'ESME_RQUERYFAIL',
  0x00c0: 'ESME_RINVTLVSTREAM',
  0x00c1: 'ESME_RTLVNOTALLWD',
  0x00c2: 'ESME_RINVTLVLEN',
  0x00c3: 'ESME_RMISSINGTLV',
  0x00c4: 'ESME_RINVTLVVAL',
  0x00fe: 'ESME_RDELIVERYFAILURE',
  0x00ff: 'ESME_RUNKNOWNERR',
  0x0100: 'ESME_RSERTYPUNAUTH',
  0x0101: 'ESME_RPROHIBITED',
  0x0102: 'ESME_RSERTYPUNAVAIL',
  0x0103: 'ESME_RSERTYPDENIED',
  0x0104: 'ESME_RINVDCS',
  0x0105: 'ESME_RINVSRCADDRSUBUNIT',
  0x0106: 'ESME_RINVDSTADDRSUBUNIT',
  0x0107: 'ESME_RINVBCASTFREQINT',
  0x0108: 'ESME_RINVBCASTALIAS_NAME',
  0x0109: 'ESME_RINVBCASTAREAFMT',
  0x010a: 'ESME_RINVNUMBCAST_AREAS',
  0x010b: 'ESME_RINVBCASTCNTTYPE',
  0x010c: 'ESME_RINVBCASTMSGCLASS',
  0x010d: 'ESME_RBCASTFAIL',
  0x010e: 'ESME_RBCASTQUERYFAIL',
  0x010f: 'ESME_RBCASTCANCELFAIL',
  0x0110: 'ESME_RINVBCAST_REP',
  0x0111: 'ESME_RINVBCASTSRVGRP',
  0x0112: 'ESME_RINVBCASTCHANIND',
};

export const SmppStatus = {
  OK: 0x0000,
  INVALID_COMMAND_ID: 0x0003,
  SYSTEM_ERROR: 0x0008,
  INVALID_DESTINATION: 0x000b,
  BIND_FAILED: 0x000d,
  INVALID_PASSWORD: 0x000e,
  INVALID_SYSTEM_ID: 0x000f,
  MESSAGE_QUEUE_FULL: 0x0014,
  THROTTLED: 0x0058,
  TEMPORARY_APP_ERROR: 0x0064,
  PERMANENT_APP_ERROR: 0x0065,
} as const;

/** The status's spec name; vendor codes (0x0400–0x04FF and others) by their hex value. */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * ok: accepted; throttle: the SMSC wants us slower — pause and resend; transient: the SMSC is
 * in trouble — resend after a pause, a few times; permanent: this message will never go.
 */
export type StatusClass = 'ok' | 'throttle' | 'transient' | 'permanent';

export function classifyStatus(status: number): StatusClass {
  switch (status) {
    case SmppStatus.OK:
      return 'ok';
    case SmppStatus.THROTTLED:
    case SmppStatus.MESSAGE_QUEUE_FULL:
      return 'throttle';
    case SmppStatus.TEMPORARY_APP_ERROR:
    case SmppStatus.SYSTEM_ERROR:
      return 'transient';
    default:
      return 'permanent';
  }
}
