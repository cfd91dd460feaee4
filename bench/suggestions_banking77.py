"""Reply suggestions on BANKING77: every intent one answer module, judged on the official test split.

BANKING77 (PolyAI, Casanueva et al. 2020, CC BY 4.0, ../shared/datasets/banking77)
has customer questions labelled with 77 intents and no answers; each intent
gets the one answer text below (written for this benchmark). The 10,003
training rows become 10,003 archived chats; the 3,080 official test rows are
the held-out questions. Targets: top-3 ≥ 99%, top-1 ≥ 94%; training on the
10,000 chats in under 5 minutes on 2 cores; scoring p95 ≤ 50 ms.

    .venv/bin/python -m bench.suggestions_banking77
"""

from __future__ import annotations

import csv

from bench.suggestions_common import DATASETS, Row, run

ANSWERS = {
    "activate_my_card": "You activate your card in the app under Cards > Activate; enter the code from the letter.",
    "age_limit": "You need to be at least 18 to open an account with us.",
    "apple_pay_or_google_pay": "Add your card to Apple Pay or Google Pay from the card screen in the app; top-ups by wallet are free.",
    "atm_support": "You can withdraw cash at any ATM showing the Mastercard or Visa sign.",
    "automatic_top_up": "Turn on auto top-up in the app under Top up > Auto top-up and choose the amount and threshold.",
    "balance_not_updated_after_bank_transfer": "Bank transfers can take up to one working day to reach your balance; send us the transfer receipt if it is later.",
    "balance_not_updated_after_cheque_or_cash_deposit": "Cash and cheque deposits show on your balance after the bank has cleared them, usually within 3 working days.",
    "beneficiary_not_allowed": "Some beneficiaries cannot be added for security reasons; please check the account details or use another account.",
    "cancel_transfer": "A transfer can only be cancelled while it is still pending; tap it in the app and choose Cancel.",
    "card_about_to_expire": "We send you a new card automatically a month before your card expires.",
    "card_acceptance": "Your card works wherever Mastercard is accepted; a few merchants do not take prepaid cards.",
    "card_arrival": "Cards arrive within 5 working days; if yours has not come after 10, we will send a new one.",
    "card_delivery_estimate": "Delivery takes 3 to 5 working days in Europe and up to 2 weeks elsewhere.",
    "card_linking": "To link a card you already have, open Cards > Link a card and enter the code printed on the letter.",
    "card_not_working": "If your card does not work, check that it is not frozen in the app and that the payment type is enabled.",
    "card_payment_fee_charged": "A fee applies to card payments in some currencies or above your free limit; the app shows each fee.",
    "card_payment_not_recognised": "If you do not recognise a card payment, freeze your card and report the payment in the app.",
    "card_payment_wrong_exchange_rate": "Card payments use the network's exchange rate on the day the merchant settles, which can differ from the rate you saw.",
    "card_swallowed": "If an ATM kept your card, freeze it in the app and order a replacement; the bank will destroy the old one.",
    "cash_withdrawal_charge": "Withdrawals are free up to your monthly allowance; after that a 2% fee applies.",
    "cash_withdrawal_not_recognised": "If you do not recognise a cash withdrawal, freeze your card now and report it to us in the app.",
    "change_pin": "You can change your PIN at any ATM that offers PIN services, or see it in the app.",
    "compromised_card": "If your card details may be compromised, terminate the card in the app and order a new one.",
    "contactless_not_working": "Contactless needs one chip-and-PIN payment first; if it still fails, insert the card.",
    "country_support": "We serve customers living in the EEA; the app lists every supported country.",
    "declined_card_payment": "Card payments are declined when the card is frozen, the balance is low or the merchant is blocked; check the app for the reason.",
    "declined_cash_withdrawal": "Withdrawals are declined when the PIN is wrong, the balance is too low or the ATM limit is reached.",
    "declined_transfer": "A transfer can be declined when the details are wrong or our checks stop it; please check and try again.",
    "direct_debit_payment_not_recognised": "If you do not recognise a direct debit, contact the company first; we can also raise a claim for you.",
    "disposable_card_limits": "Disposable virtual cards work for one payment each and you can create up to 5 a day.",
    "edit_personal_details": "Change your name, address or phone number under Profile > Personal details in the app.",
    "exchange_charge": "Exchanging currency is free on weekdays up to your plan's limit; weekends add a small markup.",
    "exchange_rate": "We use the interbank exchange rate, shown live in the app before you exchange.",
    "exchange_via_app": "Exchange currencies in the app under Exchange: choose both currencies and the amount.",
    "extra_charge_on_statement": "An extra charge on your statement is usually a currency or ATM fee; tap it for the details.",
    "failed_transfer": "If a transfer failed, the money returns to your account within 2 working days.",
    "fiat_currency_support": "You can hold and exchange over 30 currencies; the app lists them under Exchange.",
    "get_disposable_virtual_card": "Create a disposable virtual card in the app under Cards > New card > Disposable.",
    "get_physical_card": "Order a physical card in the app under Cards > Order card; it arrives in about a week.",
    "getting_spare_card": "You can have one spare physical card; order it from the card screen in the app.",
    "getting_virtual_card": "Virtual cards are free: create one in the app under Cards > New virtual card.",
    "lost_or_stolen_card": "If your card is lost or stolen, freeze it in the app right away and order a new card.",
    "lost_or_stolen_phone": "If your phone is lost or stolen, log in on the web and freeze your cards; then sign out all devices.",
    "order_physical_card": "Physical cards are ordered under Cards > Order card in the app; delivery is free once a year.",
    "passcode_forgotten": "Reset your passcode from the login screen with Forgot passcode; we send you a link by email.",
    "pending_card_payment": "Card payments stay pending until the merchant completes them, usually within 7 days.",
    "pending_cash_withdrawal": "A cash withdrawal shows as pending until the ATM's bank confirms it, normally within a day.",
    "pending_top_up": "Top-ups by card can stay pending for a few minutes while the bank checks them.",
    "pending_transfer": "Transfers stay pending for up to one working day while the receiving bank processes them.",
    "pin_blocked": "After three wrong PINs the card is blocked; unblock it at an ATM of your bank or in the app.",
    "receiving_money": "To receive money, share your account number and sort code or IBAN from the app.",
    "Refund_not_showing_up": "Refunds take up to 10 working days to show after the merchant issues them; send us the receipt if it takes longer.",
    "request_refund": "Ask the merchant for a refund first; if they do not answer, we can open a chargeback for you.",
    "reverted_card_payment?": "A reverted card payment means the merchant cancelled it; the money is back in your balance.",
    "supported_cards_and_currencies": "You can top up with Visa and Mastercard debit or credit cards in most currencies.",
    "terminate_account": "You can close your account in the app under Profile > Close account after moving your money out.",
    "top_up_by_bank_transfer_charge": "Top-ups by bank transfer are free of charge.",
    "top_up_by_card_charge": "Top-ups by card are free for European cards; other cards pay a small fee.",
    "top_up_by_cash_or_cheque": "We do not accept top-ups by cash or cheque; use a card or a bank transfer.",
    "top_up_failed": "A top-up fails when your bank declines it; please try another card or ask your bank.",
    "top_up_limits": "You can top up up to 10,000 EUR a month; the app shows what is left.",
    "top_up_reverted": "A reverted top-up was cancelled by your bank; the money goes back to your card within 5 days.",
    "topping_up_by_card": "Top up by card in the app under Top up: choose the card and the amount.",
    "transaction_charged_twice": "A payment charged twice is usually one pending and one completed entry; the extra one disappears within days.",
    "transfer_fee_charged": "Transfers in your own currency are free; other transfers show their fee before you send them.",
    "transfer_into_account": "Send money to your account by bank transfer with the IBAN shown under Account details.",
    "transfer_not_received_by_recipient": "Transfers can take up to 3 working days to arrive; share the transfer receipt from the app with the recipient.",
    "transfer_timing": "Transfers within Europe arrive the same or the next working day; international ones take up to 5 days.",
    "unable_to_verify_identity": "If verification fails, use a valid ID in good light without glare; our team can also check it by hand.",
    "verify_my_identity": "Verify your identity in the app under Profile > Verify with a photo ID and a selfie.",
    "verify_source_of_funds": "We may ask where your money comes from, for example a payslip or a bank statement, as the law requires.",
    "verify_top_up": "To verify a card top-up, enter the amount of the small test charge shown on your card statement.",
    "virtual_card_not_working": "If your virtual card does not work, check that it is not frozen and that online payments are on.",
    "visa_or_mastercard": "Our cards are Mastercard debit cards.",
    "why_verify_identity": "We verify every customer's identity because the law requires it to prevent fraud and money laundering.",
    "wrong_amount_of_cash_received": "If the ATM gave you the wrong amount, report it in the app with the time and the ATM address.",
    "wrong_exchange_rate_for_cash_withdrawal": "Cash withdrawals abroad use the network's exchange rate plus any fee the ATM adds.",
}


def rows(split: str) -> list[Row]:
    """The rows of the train or test split."""
    with (DATASETS / "banking77" / f"{split}.csv").open(encoding="utf-8") as lines:
        return [Row(row["text"], row["category"]) for row in csv.DictReader(lines)]


def main() -> None:
    """Run the benchmark and print its figures."""
    train, test = rows("train"), rows("test")
    assert set(ANSWERS) == {row.label for row in train}
    run("banking77", train, test, ANSWERS)


if __name__ == "__main__":
    main()
