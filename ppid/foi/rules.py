"""The statutory limits of the request service as named data (domain.md §9, "law as
data"): code never writes these numbers as literals."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalProcess:
    response_wd: int = 10  # D2: written notice, UU 14/2008 Pasal 22(7) (F18)
    extension_wd: int = 7  # D3: one extension, Pasal 22(8) (F19)
    objection_filing_wd: int = 30  # D4: requester files the objection, Pasal 36(1) (F30)
    objection_response_wd: int = 30  # D5: Atasan PPID answers, Pasal 36(2) (F30)
    dispute_filing_wd: int = 14  # D6: dispute at the KI, Pasal 37(2) (F32)
    ki_start_wd: int = 14  # D7: KI starts mediation/adjudication, Pasal 38(1) (F33)
    ki_resolution_wd: int = 100  # D8: KI completes, Pasal 38(2) (F33)
    court_filing_wd: int = 14  # D9: objection to the KI decision in court, Pasal 48(1) (F35)
    cassation_days: int = 14  # D10: cassation, Pasal 50, CALENDAR days (F36, C5)
    annual_report_months: int = 3  # D11: annual report copy to the KI (F15, C6)
    due_soon_wd: int = 3  # officers' inbox: "due soon" within this many working days


LIMITS = LegalProcess()
