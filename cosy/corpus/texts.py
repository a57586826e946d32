"""Printed wording per language: labels, titles, sentences.

Each key maps to a list of variants; a document picks one variant per key (see ``Words``) so that a
document is consistent with itself while the corpus varies. Strings must stay within WinAnsi
(cp1252), the encoding of the standard PDF fonts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

V = list[str]

DE: dict[str, V] = {
    "buyer_vat": ["Ihre USt-IdNr.", "USt-IdNr. Kunde"],
    "currency": ["Währung"],
    "our_ref": ["Unser Zeichen", "Unsere Referenz"],
    "subject": ["Betreff"],
    "title.invoice": ["Rechnung", "RECHNUNG", "Rechnung"],
    "title.credit_note": ["Gutschrift", "GUTSCHRIFT"],
    "title.order": ["Bestellung", "BESTELLUNG", "Auftrag"],
    "title.order_confirmation": ["Auftragsbestätigung", "Bestellbestätigung"],
    "title.delivery_note": ["Lieferschein", "LIEFERSCHEIN"],
    "title.quotation": ["Angebot", "ANGEBOT", "Kostenvoranschlag"],
    "title.payment_reminder": ["Zahlungserinnerung", "1. Mahnung", "Mahnung"],
    "title.contract": ["Dienstleistungsvertrag", "Wartungsvertrag", "Rahmenvertrag"],
    "title.corrected_invoice": ["Rechnungskorrektur", "Korrekturrechnung",
                                "Rechnung (Korrektur)", "RECHNUNGSKORREKTUR"],
    "title.self_billed_invoice": ["Gutschrift nach § 14 Abs. 2 UStG",
                                  "Gutschrift (Selbst ausgestellte Rechnung)",
                                  "Abrechnungsgutschrift", "Gutschrift im Gutschriftsverfahren"],
    "title.invoice_information": ["Buchungshilfe", "Buchungshilfe - keine Rechnung",
                                  "Rechnungsinformation", "BUCHUNGSHILFE"],
    "no.corrected_invoice": ["Korrekturrechnung Nr.", "Rechnungskorrektur-Nr.", "Rechnungsnummer"],
    "no.self_billed_invoice": ["Gutschriftsnummer", "Gutschrift-Nr.", "Abrechnungsnummer"],
    "no.invoice_information": ["Belegnummer", "Rechnungsnummer", "Beleg-Nr."],
    "date.corrected_invoice": ["Rechnungsdatum", "Datum der Korrektur", "Datum"],
    "date.self_billed_invoice": ["Gutschriftsdatum", "Abrechnungsdatum", "Datum"],
    "corrects": ["Korrektur zu Rechnung", "Ursprüngliche Rechnung", "Ersetzt Rechnung"],
    "supplier_vat": ["USt-IdNr. Lieferant", "Ihre USt-IdNr."],
    "delivery_notes": ["Lieferscheine", "Ihre Lieferscheine", "Lieferschein-Nrn."],
    "orders": ["Ihre Bestellungen", "Bestellungen", "Bestell-Nrn."],
    "multi_orders": [
        "Wir berechnen die Lieferungen zu Ihren Bestellungen {orders} "
        "(Lieferscheine {notes}).",
        "Diese Rechnung umfasst die Lieferscheine {notes} zu den Bestellungen {orders}.",
        "Sammelrechnung über die Bestellungen {orders}; Lieferscheine {notes}.",
    ],
    "intro.corrected_invoice": [
        "diese Rechnungskorrektur ersetzt unsere Rechnung {ref}. Korrigiert berechnen wir:",
        "wir korrigieren unsere Rechnung {ref} wie folgt:",
        "zu unserer Rechnung {ref} erhalten Sie folgende Korrekturrechnung:",
    ],
    "intro.self_billed_invoice": [
        "wie vereinbart rechnen wir Ihre Lieferungen und Leistungen im Gutschriftsverfahren ab:",
        "für Ihre Lieferungen im Abrechnungszeitraum erteilen wir Ihnen folgende Gutschrift:",
    ],
    "intro.invoice_information": [
        "zu Ihrer Information übersenden wir Ihnen die folgenden Rechnungsdaten:",
        "die folgende Aufstellung dient als Buchungshilfe:",
    ],
    "terms.corrected_invoice": [
        "Die ursprüngliche Rechnung ist damit gegenstandslos. Zahlbar bis zum {due} ohne Abzug.",
        "Bitte buchen Sie diese Korrektur anstelle der ursprünglichen Rechnung. "
        "Fällig am {due}.",
    ],
    "terms.self_billed_invoice": [
        "Gutschrift im Sinne des § 14 Abs. 2 Satz 2 UStG. Den Betrag überweisen wir bis zum "
        "{due} auf Ihr Konto.",
        "Abrechnung im Gutschriftsverfahren (§ 14 Abs. 2 UStG), vom Leistungsempfänger "
        "ausgestellt. Zahlbar durch uns bis zum {due}.",
        "Selbst ausgestellte Rechnung des Leistungsempfängers (Gutschrift gem. § 14 Abs. 2 UStG). "
        "Bitte prüfen Sie die Angaben; der Betrag wird bis spätestens {due} überwiesen.",
    ],
    "terms.invoice_information": [
        "Dies ist keine Rechnung. Das Dokument dient nur als Buchungshilfe; es ist keine "
        "Zahlung zu leisten.",
        "KEINE RECHNUNG - Buchungshilfe ohne Zahlungsaufforderung. Die Rechnung erhalten Sie "
        "gesondert.",
    ],
    "gross.self_billed_invoice": ["Gutschriftsbetrag", "Auszahlungsbetrag", "Gesamtbetrag"],
    "no.invoice": ["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr."],
    "no.credit_note": ["Gutschriftsnummer", "Gutschrift-Nr."],
    "no.order": ["Bestellnummer", "Bestell-Nr."],
    "no.order_confirmation": ["Auftragsnummer", "Auftrags-Nr."],
    "no.delivery_note": ["Lieferschein-Nr.", "Lieferscheinnummer"],
    "no.quotation": ["Angebotsnummer", "Angebots-Nr."],
    "no.payment_reminder": ["Mahnungsnummer", "Mahnung Nr."],
    "no.contract": ["Vertragsnummer", "Vertrags-Nr."],
    "date": ["Datum", "Belegdatum"],
    "date.invoice": ["Rechnungsdatum", "Datum"],
    "customer_number": ["Kundennummer", "Kunden-Nr.", "Kd.-Nr."],
    "supplier_number": ["Lieferantennummer", "Lieferanten-Nr."],
    "delivery_date": ["Lieferdatum", "Leistungsdatum", "Liefer-/Leistungsdatum"],
    "requested_delivery": ["Liefertermin", "Gewünschtes Lieferdatum"],
    "order_reference": ["Ihre Bestellung", "Bestellnummer", "Ihre Bestell-Nr."],
    "buyer_reference": ["Ihre Referenz", "Ihr Zeichen", "Leitweg-ID"],
    "contact": ["Ansprechpartner", "Bearbeiter", "Ihr Ansprechpartner"],
    "due_date": ["Fällig am", "Fälligkeitsdatum", "Zahlbar bis"],
    "valid_until": ["Gültig bis", "Angebot gültig bis"],
    "invoice_reference": ["Zu Rechnung", "Bezug: Rechnung"],
    "page": ["Seite {p} von {n}", "Seite {p}/{n}", "- {p} -"],
    "col.pos": ["Pos.", "Pos", "Nr."],
    "col.item_id": ["Art.-Nr.", "Artikel", "Artikelnr."],
    "col.desc": ["Beschreibung", "Bezeichnung", "Artikel / Leistung", "Leistung"],
    "col.qty": ["Menge", "Anzahl", "Anz."],
    "col.unit": ["Einheit", "ME", "Einh."],
    "col.price": ["Einzelpreis", "E-Preis", "Preis/Einheit", "Einzelpr."],
    "col.tax": ["USt.", "MwSt.", "USt %"],
    "col.total": ["Gesamt", "Gesamtpreis", "Betrag", "Summe"],
    "net": ["Nettobetrag", "Summe netto", "Zwischensumme", "Gesamt netto"],
    "tax": ["zzgl. {rate} % USt.", "USt. {rate} %", "MwSt. {rate} %", "Umsatzsteuer {rate} %"],
    "tax_on": ["USt. {rate} % auf {base}", "zzgl. {rate} % MwSt. auf {base}"],
    "gross": ["Gesamtbetrag", "Rechnungsbetrag", "Summe brutto", "Endbetrag", "Gesamt brutto"],
    "gross.credit_note": ["Gutschriftsbetrag", "Gesamtbetrag"],
    "gross.order": ["Bestellwert", "Gesamtbetrag"],
    "gross.quotation": ["Angebotssumme", "Gesamtbetrag"],
    "amount_due": ["Zahlbetrag", "Zu zahlender Betrag", "Offener Betrag"],
    "carry": ["Übertrag", "Zwischensumme Übertrag"],
    "fee": ["Mahngebühr", "Mahnkosten"],
    "paid": ["abzüglich Anzahlung", "bereits bezahlt"],
    "hello": ["Sehr geehrte Damen und Herren,", "Guten Tag,"],
    "hello.person": ["Sehr geehrte/r {name},"],
    "bye": ["Mit freundlichen Grüßen", "Freundliche Grüße", "Beste Grüße"],
    "intro.invoice": [
        "vielen Dank für Ihren Auftrag. Wir berechnen Ihnen folgende Lieferungen und Leistungen:",
        "wir erlauben uns, Ihnen folgende Leistungen in Rechnung zu stellen:",
        "für unsere Lieferung stellen wir Ihnen wie vereinbart in Rechnung:",
    ],
    "intro.credit_note": [
        "wir schreiben Ihnen zu unserer Rechnung {ref} folgende Positionen gut:",
        "aufgrund Ihrer Reklamation erhalten Sie zu Rechnung {ref} folgende Gutschrift:",
    ],
    "intro.order": [
        "hiermit bestellen wir zu den vereinbarten Konditionen:",
        "bitte liefern Sie uns folgende Artikel:",
    ],
    "intro.order_confirmation": [
        "vielen Dank für Ihre Bestellung {ref}. Wir bestätigen Ihren Auftrag wie folgt:",
        "wir bedanken uns für Ihren Auftrag {ref} und bestätigen:",
    ],
    "intro.delivery_note": [
        "wir liefern Ihnen zu Ihrer Bestellung {ref}:",
        "anbei erhalten Sie folgende Ware:",
    ],
    "intro.quotation": [
        "vielen Dank für Ihre Anfrage. Gerne bieten wir Ihnen an:",
        "wie besprochen unterbreiten wir Ihnen folgendes Angebot:",
    ],
    "intro.payment_reminder": [
        "sicher haben Sie übersehen, dass folgende Rechnung noch offen ist:",
        "bei der Durchsicht unserer Konten haben wir festgestellt, dass folgender Betrag noch "
        "nicht bei uns eingegangen ist:",
    ],
    "terms.invoice": [
        "Zahlbar bis zum {due} ohne Abzug.",
        "Bitte überweisen Sie den Rechnungsbetrag bis zum {due} auf unser unten genanntes Konto.",
        "Zahlungsziel: {days} Tage netto, fällig am {due}.",
        "Der Betrag ist fällig am {due}. Bitte geben Sie bei Zahlung die Rechnungsnummer an.",
    ],
    "terms.payment_reminder": [
        "Bitte überweisen Sie den offenen Betrag bis spätestens {due}.",
        "Wir bitten um Ausgleich bis zum {due}. Sollten Sie inzwischen gezahlt haben, betrachten "
        "Sie dieses Schreiben bitte als gegenstandslos.",
    ],
    "terms.quotation": [
        "Zahlungsbedingungen: {days} Tage netto. Lieferzeit nach Vereinbarung.",
        "Es gelten unsere Allgemeinen Geschäftsbedingungen. Zahlung {days} Tage netto.",
    ],
    "terms.credit_note": [
        "Der Betrag wird mit Ihrer nächsten Rechnung verrechnet.",
        "Den Betrag überweisen wir in den nächsten Tagen auf Ihr Konto.",
    ],
    "terms.order": [
        "Bitte liefern Sie bis zum {delivery}. Bitte geben Sie unsere Bestellnummer auf allen "
        "Papieren an.",
        "Liefertermin: {delivery}. Bitte bestätigen Sie diese Bestellung.",
    ],
    "terms.order_confirmation": [
        "Voraussichtlicher Liefertermin: {delivery}. Zahlung {days} Tage netto.",
        "Die Lieferung erfolgt am {delivery}. Es gelten unsere AGB.",
    ],
    "terms.delivery_note": [
        "Ware in einwandfreiem Zustand erhalten:",
        "Bitte prüfen Sie die Ware bei Erhalt auf Vollständigkeit.",
    ],
    "reverse_charge": [
        "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
        "Innergemeinschaftliche Lieferung, steuerfrei gem. § 4 Nr. 1b UStG.",
    ],
    "skonto": ["Bei Zahlung innerhalb von 8 Tagen gewähren wir 2 % Skonto."],
    "received": ["Datum, Unterschrift Empfänger"],
    "ft.phone": ["Tel.", "Telefon", "Tel"],
    "ft.email": ["E-Mail", "Mail"],
    "ft.web": ["Web", "Internet"],
    "ft.bank": ["Bankverbindung", "Bank"],
    "ft.vat_id": ["USt-IdNr.", "USt.-ID", "USt-ID"],
    "ft.tax_number": ["Steuernummer", "St.-Nr.", "Steuer-Nr."],
    "ft.md": ["Geschäftsführer", "Geschäftsführung", "GF"],
    "ft.court": ["Amtsgericht {city}", "Registergericht: Amtsgericht {city}", "AG {city}"],
    "tbl.invoice": ["Rechnung", "Rechnungsnr."],
    "tbl.inv_date": ["Datum", "vom"],
    "tbl.due": ["fällig seit", "Fälligkeit"],
    "tbl.open": ["offen", "Betrag"],
    "contract.between": ["zwischen"],
    "contract.and": ["und"],
    "contract.seller_role": ["- nachfolgend Auftragnehmer genannt -"],
    "contract.buyer_role": ["- nachfolgend Auftraggeber genannt -"],
    "contract.s1": ["§ 1 Vertragsgegenstand"],
    "contract.s1text": [
        "Der Auftragnehmer erbringt für den Auftraggeber Leistungen im Bereich {service}. Art "
        "und Umfang der Leistungen ergeben sich aus der Leistungsbeschreibung in Anlage 1.",
    ],
    "contract.s2": ["§ 2 Laufzeit"],
    "contract.s2text": [
        "Der Vertrag beginnt am {start} und läuft auf unbestimmte Zeit. Er kann mit einer Frist "
        "von drei Monaten zum Monatsende gekündigt werden.",
    ],
    "contract.s3": ["§ 3 Vergütung"],
    "contract.s3text": [
        "Der Auftraggeber zahlt eine monatliche Pauschale von {fee} zuzüglich der gesetzlichen "
        "Umsatzsteuer. Die Vergütung ist jeweils zum Monatsersten fällig.",
    ],
    "contract.s4": ["§ 4 Zahlung"],
    "contract.s4text": ["Zahlungen erfolgen auf das Konto des Auftragnehmers, IBAN {iban}."],
    "contract.s5": ["§ 5 Schlussbestimmungen"],
    "contract.s5text": [
        "Änderungen und Ergänzungen dieses Vertrages bedürfen der Schriftform. Sollte eine "
        "Bestimmung unwirksam sein, bleibt die Wirksamkeit der übrigen Bestimmungen unberührt. "
        "Gerichtsstand ist {city}.",
    ],
    "contract.place_date": ["{city}, den {date}", "{city}, {date}"],
    "contract.sign_seller": ["Auftragnehmer"],
    "contract.sign_buyer": ["Auftraggeber"],
    "letter.subject": [
        "Ihre Anfrage vom {date}",
        "Änderung unserer Bankverbindung",
        "Preisanpassung zum {date}",
        "Terminbestätigung",
        "Umstellung auf elektronische Rechnungen",
    ],
    "letter.body": [
        "vielen Dank für Ihr Schreiben. Wir haben Ihr Anliegen geprüft und melden uns in Kürze "
        "mit einem Vorschlag bei Ihnen.",
        "wir möchten Sie darüber informieren, dass sich ab dem {date} unsere Konditionen ändern. "
        "Die neue Preisliste erhalten Sie mit separater Post.",
        "bitte beachten Sie, dass Zahlungen künftig ausschließlich auf das Konto mit der IBAN "
        "{iban} zu leisten sind.",
        "für Rückfragen stehen wir Ihnen jederzeit gerne zur Verfügung. Sie erreichen uns "
        "werktags von 8 bis 17 Uhr.",
        "gerne bestätigen wir Ihnen den vereinbarten Termin. Unser Techniker wird sich vorab "
        "telefonisch bei Ihnen melden.",
        "künftig erhalten Sie Ihre Rechnungen als PDF per E-Mail. Bitte teilen Sie uns mit, an "
        "welche Adresse wir die Rechnungen senden dürfen.",
    ],
    "country.DE": ["Deutschland", "DEUTSCHLAND"],
    "country.AT": ["Österreich", "ÖSTERREICH"],
    "country.CH": ["Schweiz", "SCHWEIZ"],
    "country.FR": ["Frankreich", "FRANKREICH"],
    "country.GB": ["Großbritannien", "VEREINIGTES KÖNIGREICH"],
    "country.US": ["USA", "VEREINIGTE STAATEN"],
    "country.NL": ["Niederlande", "NIEDERLANDE"],
    "attn": ["z. Hd. {name}", "Herrn/Frau {name}", "Abt. Einkauf"],
    "attn.accounts": ["Buchhaltung", "Rechnungseingang"],
}

EN: dict[str, V] = {
    "buyer_vat": ["Your VAT No.", "Customer VAT ID"],
    "currency": ["Currency"],
    "our_ref": ["Our Ref.", "Our Reference"],
    "subject": ["Subject", "Re"],
    "title.invoice": ["Invoice", "INVOICE", "Tax Invoice"],
    "title.credit_note": ["Credit Note", "CREDIT NOTE"],
    "title.order": ["Purchase Order", "PURCHASE ORDER", "Order"],
    "title.order_confirmation": ["Order Confirmation", "Sales Order Confirmation"],
    "title.delivery_note": ["Delivery Note", "DELIVERY NOTE", "Packing Slip"],
    "title.quotation": ["Quotation", "QUOTE", "Estimate"],
    "title.payment_reminder": ["Payment Reminder", "Reminder", "Overdue Notice"],
    "title.contract": ["Service Agreement", "Maintenance Agreement", "Framework Agreement"],
    "title.corrected_invoice": ["Corrected Invoice", "CORRECTED INVOICE",
                                "Invoice Correction", "Corrective Invoice"],
    "title.self_billed_invoice": ["Self-Billing Invoice", "SELF-BILLED INVOICE",
                                  "Self-Billed Invoice", "Self-Billing Statement"],
    "title.invoice_information": ["Invoice Information", "INVOICE INFORMATION",
                                  "Booking Aid - Not an Invoice", "Invoice Information Sheet"],
    "no.corrected_invoice": ["Invoice No.", "Corrected Invoice No.", "Invoice Number"],
    "no.self_billed_invoice": ["Self-Billing Invoice No.", "Invoice No.", "Document No."],
    "no.invoice_information": ["Invoice No.", "Document No.", "Invoice Number"],
    "date.corrected_invoice": ["Invoice Date", "Date of Correction", "Date"],
    "date.self_billed_invoice": ["Invoice Date", "Statement Date", "Date"],
    "corrects": ["Corrects Invoice", "Original Invoice", "Replaces Invoice"],
    "supplier_vat": ["Supplier VAT No.", "Your VAT No."],
    "delivery_notes": ["Delivery Notes", "Your Delivery Notes", "Delivery Note Nos."],
    "orders": ["Your Orders", "Purchase Orders", "PO Nos."],
    "multi_orders": [
        "This invoice covers your purchase orders {orders} (delivery notes {notes}).",
        "Goods delivered against orders {orders}, delivery notes {notes}.",
        "Consolidated invoice for orders {orders}; delivery notes {notes}.",
    ],
    "intro.corrected_invoice": [
        "This corrected invoice replaces our invoice {ref}. The corrected charges are:",
        "Please find below the correction of our invoice {ref}:",
    ],
    "intro.self_billed_invoice": [
        "As agreed, we account for your supplies under our self-billing arrangement:",
        "Under the self-billing agreement between us, we have raised this invoice on your "
        "behalf:",
    ],
    "intro.invoice_information": [
        "For your information, please find the invoice data below:",
        "The following statement is provided as a booking aid only:",
    ],
    "terms.corrected_invoice": [
        "The original invoice is cancelled and replaced by this one. Payment due by {due}.",
        "Please book this corrected invoice instead of the original. Due date: {due}.",
    ],
    "terms.self_billed_invoice": [
        "Self-billing: this invoice was issued by the customer on behalf of the supplier. "
        "We will pay the amount to your account; payment due by {due}.",
        "Self-billed invoice under the self-billing agreement; the VAT shown is your output "
        "tax. Payable by us by {due}.",
    ],
    "terms.invoice_information": [
        "This is not an invoice. It is provided as a booking aid only; no payment is due.",
        "NOT AN INVOICE - for information only, no payment request. The invoice follows "
        "separately.",
    ],
    "gross.self_billed_invoice": ["Amount Payable to Supplier", "Total", "Invoice Total"],
    "no.invoice": ["Invoice No.", "Invoice Number", "Invoice #"],
    "no.credit_note": ["Credit Note No.", "Credit Note Number"],
    "no.order": ["PO Number", "Order No.", "Purchase Order No."],
    "no.order_confirmation": ["Confirmation No.", "Sales Order No."],
    "no.delivery_note": ["Delivery Note No.", "Shipment No."],
    "no.quotation": ["Quote No.", "Quotation Number", "Estimate #"],
    "no.payment_reminder": ["Reminder No.", "Reference"],
    "no.contract": ["Agreement No.", "Contract Number"],
    "date": ["Date", "Issue Date"],
    "date.invoice": ["Invoice Date", "Date", "Date of Issue"],
    "customer_number": ["Customer No.", "Customer ID", "Account No."],
    "supplier_number": ["Supplier No.", "Vendor ID"],
    "delivery_date": ["Delivery Date", "Date of Supply", "Service Date", "Ship Date"],
    "requested_delivery": ["Delivery Date", "Required By"],
    "order_reference": ["Your Order", "PO Number", "Order Ref."],
    "buyer_reference": ["Your Reference", "Buyer Reference", "Reference"],
    "contact": ["Contact", "Your Contact", "Sales Rep"],
    "due_date": ["Due Date", "Payment Due", "Due"],
    "valid_until": ["Valid Until", "Expiry Date"],
    "invoice_reference": ["Original Invoice", "Ref. Invoice"],
    "page": ["Page {p} of {n}", "Page {p}/{n}", "{p} / {n}"],
    "col.pos": ["#", "Item", "No."],
    "col.item_id": ["SKU", "Item No.", "Code"],
    "col.desc": ["Description", "Item Description", "Product / Service"],
    "col.qty": ["Qty", "Quantity", "Qty."],
    "col.unit": ["Unit", "UoM"],
    "col.price": ["Unit Price", "Price", "Rate"],
    "col.tax": ["VAT", "Tax %", "VAT %"],
    "col.total": ["Amount", "Total", "Line Total"],
    "net": ["Subtotal", "Net Total", "Total Net", "Net Amount"],
    "tax": ["VAT {rate}%", "VAT @ {rate}%", "VAT ({rate}%)"],
    "tax.US": ["Sales Tax {rate}%", "Tax ({rate}%)", "Sales Tax ({rate}%)"],
    "tax_on": ["VAT {rate}% on {base}", "Tax {rate}% of {base}"],
    "gross": ["Total", "Total Due", "Invoice Total", "Grand Total", "TOTAL"],
    "gross.credit_note": ["Total Credit", "Credit Total"],
    "gross.order": ["Order Total", "Total"],
    "gross.quotation": ["Quote Total", "Total"],
    "amount_due": ["Amount Due", "Balance Due", "Total Payable"],
    "carry": ["Carried forward", "Subtotal carried forward"],
    "fee": ["Late fee", "Reminder fee"],
    "paid": ["Less payment received", "Paid"],
    "hello": ["Dear Sir or Madam,", "Dear Customer,", "Hello,"],
    "hello.person": ["Dear {name},"],
    "bye": ["Kind regards", "Yours faithfully", "Best regards", "Sincerely"],
    "intro.invoice": [
        "Thank you for your business. Please find below the details of your invoice.",
        "As agreed, we are charging you for the following goods and services:",
    ],
    "intro.credit_note": [
        "We credit the following items against our invoice {ref}:",
        "Following your return we issue this credit note for invoice {ref}:",
    ],
    "intro.order": [
        "Please supply the following items under the agreed terms:",
        "We hereby order the following:",
    ],
    "intro.order_confirmation": [
        "Thank you for your order {ref}. We confirm it as follows:",
        "We are pleased to confirm your purchase order {ref}:",
    ],
    "intro.delivery_note": [
        "We are delivering the following goods for your order {ref}:",
        "Please find enclosed the following items:",
    ],
    "intro.quotation": [
        "Thank you for your enquiry. We are pleased to quote as follows:",
        "As discussed, please find our quotation below:",
    ],
    "intro.payment_reminder": [
        "Our records show that the following invoice is still outstanding:",
        "We would like to remind you that payment for the invoice below is overdue:",
    ],
    "terms.invoice": [
        "Please pay by {due}.",
        "Payment due by {due}. Please quote the invoice number with your payment.",
        "Terms: net {days} days, due {due}.",
        "Kindly transfer the total amount to the account below no later than {due}.",
    ],
    "terms.payment_reminder": [
        "Please settle the outstanding balance by {due}.",
        "Please arrange payment by {due}. If you have already paid, please disregard this notice.",
    ],
    "terms.quotation": [
        "Payment terms: net {days} days. Delivery time on request.",
        "Our standard terms and conditions apply. Payment within {days} days.",
    ],
    "terms.credit_note": [
        "The amount will be offset against your next invoice.",
        "We will refund the amount to your account within the next few days.",
    ],
    "terms.order": [
        "Please deliver by {delivery} and quote our PO number on all documents.",
        "Required delivery date: {delivery}. Please confirm this order.",
    ],
    "terms.order_confirmation": [
        "Estimated delivery date: {delivery}. Payment terms: net {days} days.",
        "Delivery is scheduled for {delivery}. Our terms and conditions apply.",
    ],
    "terms.delivery_note": [
        "Goods received in good condition:",
        "Please check the goods for completeness on receipt.",
    ],
    "reverse_charge": [
        "Reverse charge: VAT to be accounted for by the recipient.",
        "Intra-Community supply, exempt from VAT.",
    ],
    "skonto": ["2% discount if paid within 8 days."],
    "received": ["Date, signature of recipient"],
    "ft.phone": ["Phone", "Tel.", "T"],
    "ft.email": ["Email", "E-mail", "E"],
    "ft.web": ["Web", "W"],
    "ft.bank": ["Bank details", "Bank"],
    "ft.vat_id": ["VAT No.", "VAT Reg. No.", "VAT ID"],
    "ft.tax_number": ["Tax No.", "Tax Number"],
    "ft.tax_number.US": ["EIN", "Tax ID", "Federal Tax ID"],
    "ft.md": ["Managing Director", "Director", "CEO"],
    "ft.court": ["Registered in {city}", "Register court {city}"],
    "tbl.invoice": ["Invoice", "Invoice No."],
    "tbl.inv_date": ["Date", "Dated"],
    "tbl.due": ["Due since", "Due"],
    "tbl.open": ["Outstanding", "Amount"],
    "contract.between": ["between"],
    "contract.and": ["and"],
    "contract.seller_role": ["(hereinafter the \"Contractor\")"],
    "contract.buyer_role": ["(hereinafter the \"Client\")"],
    "contract.s1": ["1. Subject matter"],
    "contract.s1text": [
        "The Contractor shall provide services to the Client in the field of {service}. The "
        "scope of services is described in Schedule 1.",
    ],
    "contract.s2": ["2. Term"],
    "contract.s2text": [
        "This agreement commences on {start} and continues until terminated by either party "
        "with three months' written notice.",
    ],
    "contract.s3": ["3. Fees"],
    "contract.s3text": [
        "The Client shall pay a monthly fee of {fee} plus VAT, payable in advance on the first "
        "day of each month.",
    ],
    "contract.s4": ["4. Payment"],
    "contract.s4text": ["Payments shall be made to the Contractor's account IBAN {iban}."],
    "contract.s5": ["5. Miscellaneous"],
    "contract.s5text": [
        "Amendments to this agreement must be made in writing. Should any provision be invalid, "
        "the remaining provisions shall remain in effect. Place of jurisdiction is {city}.",
    ],
    "contract.place_date": ["{city}, {date}"],
    "contract.sign_seller": ["Contractor"],
    "contract.sign_buyer": ["Client"],
    "letter.subject": [
        "Your enquiry of {date}",
        "Change of bank details",
        "Price adjustment effective {date}",
        "Appointment confirmation",
        "Switching to electronic invoices",
    ],
    "letter.body": [
        "Thank you for your letter. We have looked into your request and will come back to you "
        "with a proposal shortly.",
        "We would like to inform you that our terms will change as of {date}. You will receive "
        "the new price list separately.",
        "Please note that from now on payments should be made only to the account with IBAN "
        "{iban}.",
        "If you have any questions, please do not hesitate to contact us. We are available "
        "Monday to Friday from 9 am to 5 pm.",
        "We are pleased to confirm the agreed appointment. Our engineer will call you in advance.",
        "In future you will receive your invoices as PDF by email. Please let us know which "
        "address we should use.",
    ],
    "country.DE": ["Germany", "GERMANY"],
    "country.AT": ["Austria", "AUSTRIA"],
    "country.CH": ["Switzerland", "SWITZERLAND"],
    "country.FR": ["France", "FRANCE"],
    "country.GB": ["United Kingdom", "UNITED KINGDOM"],
    "country.US": ["USA", "UNITED STATES"],
    "country.NL": ["Netherlands", "NETHERLANDS"],
    "attn": ["Attn: {name}", "FAO {name}", "Purchasing Dept."],
    "attn.accounts": ["Accounts Payable", "Finance Department"],
}

FR: dict[str, V] = {
    "buyer_vat": ["Votre N° TVA", "N° TVA client"],
    "currency": ["Devise"],
    "our_ref": ["Notre référence", "Nos réf."],
    "subject": ["Objet"],
    "title.invoice": ["Facture", "FACTURE"],
    "title.credit_note": ["Avoir", "AVOIR"],
    "title.order": ["Bon de commande", "Commande"],
    "title.order_confirmation": ["Confirmation de commande", "Accusé de réception de commande"],
    "title.delivery_note": ["Bon de livraison", "BON DE LIVRAISON"],
    "title.quotation": ["Devis", "DEVIS"],
    "title.payment_reminder": ["Relance", "Rappel de paiement"],
    "title.contract": ["Contrat de prestation de services", "Contrat de maintenance"],
    "title.corrected_invoice": ["Facture rectificative", "FACTURE RECTIFICATIVE",
                                "Facture corrigée", "Facture rectificative"],
    "title.self_billed_invoice": ["Autofacturation", "AUTOFACTURATION",
                                  "Facture d'autofacturation", "Facture autofacturée"],
    "title.invoice_information": ["Information de facturation", "Aide à la comptabilisation",
                                  "Relevé d'information - pas une facture",
                                  "INFORMATION DE FACTURATION"],
    "no.corrected_invoice": ["Facture n°", "N° de facture rectificative", "Numéro de facture"],
    "no.self_billed_invoice": ["Facture n°", "N° de facture", "N° de document"],
    "no.invoice_information": ["N° de document", "Facture n°", "N° de facture"],
    "date.corrected_invoice": ["Date de facture", "Date de rectification", "Date"],
    "date.self_billed_invoice": ["Date de facture", "Date d'émission", "Date"],
    "date.credit_note": ["Date de l'avoir", "Date", "Date de facture", "Date d'émission"],
    "corrects": ["Facture rectifiée", "Facture d'origine", "Facture initiale"],
    "supplier_vat": ["N° TVA fournisseur", "Votre n° de TVA"],
    "delivery_notes": ["Bons de livraison", "Vos bons de livraison", "BL n°"],
    "orders": ["Vos commandes", "Bons de commande", "Commandes n°"],
    "multi_orders": [
        "Cette facture regroupe vos commandes {orders} (bons de livraison {notes}).",
        "Livraisons selon vos bons de commande {orders}, bons de livraison {notes}.",
    ],
    "intro.corrected_invoice": [
        "La présente facture rectificative annule et remplace notre facture {ref} :",
        "Veuillez trouver ci-dessous la rectification de notre facture {ref} :",
    ],
    "intro.self_billed_invoice": [
        "Conformément au mandat d'autofacturation, nous émettons la facture suivante en votre "
        "nom et pour votre compte :",
        "Dans le cadre de l'autofacturation convenue, voici le décompte de vos livraisons :",
    ],
    "intro.invoice_information": [
        "Pour information, veuillez trouver ci-dessous les données de facturation :",
        "Le relevé suivant est fourni à titre d'aide à la comptabilisation :",
    ],
    "terms.corrected_invoice": [
        "Cette facture annule et remplace la facture d'origine. Échéance : {due}.",
        "Facture rectificative : merci de régler le montant corrigé avant le {due}.",
    ],
    "terms.self_billed_invoice": [
        "Autofacturation : facture émise par le client au nom et pour le compte du fournisseur. "
        "Le montant sera viré sur votre compte, échéance le {due}.",
        "Facture établie par le client (autofacturation, art. 289 I-2 du CGI). Échéance : {due}.",
    ],
    "terms.invoice_information": [
        "Ce document n'est pas une facture. Il est fourni à titre d'information ; aucun "
        "paiement n'est demandé.",
        "PAS UNE FACTURE - aide à la comptabilisation, sans demande de paiement.",
    ],
    "gross.self_billed_invoice": ["Montant à verser TTC", "Total TTC"],
    "no.invoice": ["Facture n°", "N° de facture", "Numéro de facture"],
    "no.credit_note": ["Avoir n°", "N° d'avoir"],
    "no.order": ["Commande n°", "N° de commande"],
    "no.order_confirmation": ["Confirmation n°", "N° de confirmation"],
    "no.delivery_note": ["BL n°", "N° de bon de livraison"],
    "no.quotation": ["Devis n°", "N° de devis"],
    "no.payment_reminder": ["Relance n°"],
    "no.contract": ["Contrat n°"],
    "date": ["Date", "Date d'émission"],
    "date.invoice": ["Date de facture", "Date"],
    "customer_number": ["N° client", "Code client", "Client n°"],
    "supplier_number": ["N° fournisseur"],
    "delivery_date": ["Date de livraison", "Date de prestation"],
    "requested_delivery": ["Date de livraison souhaitée", "Livraison le"],
    "order_reference": ["Votre commande", "Réf. commande"],
    "buyer_reference": ["Votre référence", "Réf. acheteur"],
    "contact": ["Contact", "Interlocuteur"],
    "due_date": ["Date d'échéance", "Échéance"],
    "valid_until": ["Valable jusqu'au", "Date de validité"],
    "invoice_reference": ["Facture d'origine", "Réf. facture", "Facture liée"],
    "page": ["Page {p} sur {n}", "Page {p}/{n}"],
    "col.pos": ["N°", "Pos."],
    "col.item_id": ["Réf.", "Référence"],
    "col.desc": ["Désignation", "Description"],
    "col.qty": ["Qté", "Quantité"],
    "col.unit": ["Unité", "U."],
    "col.price": ["Prix unitaire HT", "P.U. HT"],
    "col.tax": ["TVA", "TVA %"],
    "col.total": ["Total HT", "Montant HT"],
    "net": ["Total HT", "Montant HT"],
    "tax": ["TVA {rate} %", "TVA ({rate} %)"],
    "tax_on": ["TVA {rate} % sur {base}"],
    "gross": ["Total TTC", "Montant TTC"],
    "gross.credit_note": ["Total avoir TTC", "Total TTC", "Montant de l'avoir TTC"],
    "gross.order": ["Total commande TTC", "Total TTC"],
    "gross.quotation": ["Total TTC"],
    "amount_due": ["Net à payer", "Reste à payer"],
    "carry": ["Report", "À reporter"],
    "fee": ["Frais de relance", "Indemnité forfaitaire"],
    "paid": ["Acompte versé"],
    "hello": ["Madame, Monsieur,"],
    "hello.person": ["Bonjour {name},"],
    "bye": ["Cordialement", "Veuillez agréer nos salutations distinguées."],
    "intro.invoice": ["Nous vous remercions de votre confiance. Veuillez trouver ci-dessous le "
                      "détail de notre facture :"],
    "intro.credit_note": ["Nous vous adressons cet avoir relatif à la facture {ref} :"],
    "intro.order": ["Veuillez nous livrer les articles suivants :"],
    "intro.order_confirmation": ["Nous vous remercions de votre commande {ref} et la "
                                 "confirmons comme suit :"],
    "intro.delivery_note": ["Nous vous livrons, suite à votre commande {ref} :"],
    "intro.quotation": ["Suite à votre demande, nous avons le plaisir de vous proposer :"],
    "intro.payment_reminder": ["Sauf erreur de notre part, la facture suivante reste impayée :"],
    "terms.invoice": [
        "Paiement à réception, au plus tard le {due}.",
        "Date d'échéance : {due}. Pas d'escompte pour paiement anticipé.",
        "Règlement à {days} jours, soit le {due}.",
    ],
    "terms.payment_reminder": ["Merci de régler le solde avant le {due}."],
    "terms.quotation": ["Conditions de paiement : {days} jours net."],
    "terms.credit_note": ["Le montant sera déduit de votre prochaine facture."],
    "terms.order": ["Livraison souhaitée le {delivery}. Merci de rappeler notre numéro de "
                    "commande."],
    "terms.order_confirmation": ["Livraison prévue le {delivery}. Paiement à {days} jours."],
    "terms.delivery_note": ["Marchandise reçue en bon état :"],
    "reverse_charge": ["Autoliquidation : TVA due par le preneur.",
                       "Livraison intracommunautaire exonérée (art. 262 ter I du CGI)."],
    "skonto": ["Escompte de 2 % pour paiement sous 8 jours."],
    "received": ["Date, signature du destinataire"],
    "ft.phone": ["Tél.", "Téléphone"],
    "ft.email": ["E-mail", "Courriel"],
    "ft.web": ["Web", "Site"],
    "ft.bank": ["Coordonnées bancaires", "Banque"],
    "ft.vat_id": ["N° TVA intracom.", "TVA intracommunautaire", "N° TVA"],
    "ft.tax_number": ["SIRET", "N° SIRET"],
    "ft.md": ["Gérant", "Président"],
    "ft.court": ["RCS {city}"],
    "tbl.invoice": ["Facture", "N° facture"],
    "tbl.inv_date": ["Date"],
    "tbl.due": ["Échéance"],
    "tbl.open": ["Montant dû", "Solde"],
    "contract.between": ["entre"],
    "contract.and": ["et"],
    "contract.seller_role": ["ci-après dénommé « le Prestataire »"],
    "contract.buyer_role": ["ci-après dénommé « le Client »"],
    "contract.s1": ["Article 1 - Objet"],
    "contract.s1text": ["Le Prestataire fournit au Client des prestations dans le domaine "
                        "suivant : {service}."],
    "contract.s2": ["Article 2 - Durée"],
    "contract.s2text": ["Le présent contrat prend effet le {start} pour une durée "
                        "indéterminée, résiliable avec un préavis de trois mois."],
    "contract.s3": ["Article 3 - Prix"],
    "contract.s3text": ["Le Client verse une redevance mensuelle de {fee} HT, payable "
                        "d'avance le premier jour de chaque mois."],
    "contract.s4": ["Article 4 - Paiement"],
    "contract.s4text": ["Les paiements sont effectués sur le compte IBAN {iban}."],
    "contract.s5": ["Article 5 - Dispositions finales"],
    "contract.s5text": ["Toute modification du présent contrat doit être faite par écrit. "
                        "Tribunal compétent : {city}."],
    "contract.place_date": ["Fait à {city}, le {date}"],
    "contract.sign_seller": ["Le Prestataire"],
    "contract.sign_buyer": ["Le Client"],
    "letter.subject": ["Votre demande du {date}", "Changement de coordonnées bancaires",
                       "Révision tarifaire au {date}"],
    "letter.body": [
        "Nous vous remercions de votre courrier. Nous étudions votre demande et reviendrons "
        "vers vous rapidement.",
        "Nous vous informons que nos conditions évolueront à compter du {date}.",
        "Merci d'effectuer désormais vos paiements sur le compte IBAN {iban}.",
        "Nous restons à votre disposition pour tout renseignement complémentaire.",
    ],
    "country.DE": ["Allemagne", "ALLEMAGNE"],
    "country.AT": ["Autriche"],
    "country.CH": ["Suisse", "SUISSE"],
    "country.FR": ["France", "FRANCE"],
    "country.GB": ["Royaume-Uni"],
    "country.US": ["États-Unis"],
    "country.NL": ["Pays-Bas"],
    "attn": ["À l'attention de {name}", "Service achats"],
    "attn.accounts": ["Service comptabilité"],
}

TEXTS: dict[str, dict[str, V]] = {"de": DE, "en": EN, "fr": FR}

MONTHS_SHORT: dict[str, list[str]] = {
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
           "Dez."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."],
}  # fmt: skip
"""Abbreviated month names as printed in dates such as '3 Dec 2026' or '3. Dez. 2026'."""

MONTHS: dict[str, list[str]] = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
}  # fmt: skip


class Words:
    """One document's wording: the first lookup of a key picks a variant, later ones repeat it."""

    def __init__(self, language: str, rng: random.Random,
                 table: Mapping[str, V] | None = None) -> None:
        self.language = language
        self._table: Mapping[str, V] = TEXTS[language] if table is None else table
        self._rng = rng
        self._chosen: dict[str, str] = {}

    def __call__(self, key: str, **kw: object) -> str:
        text = self._chosen.get(key)
        if text is None:
            variants = self._table.get(key) or EN[key]
            text = self._rng.choice(variants)
            self._chosen[key] = text
        return text.format(**kw) if kw else text

    def pick(self, key: str, fallback: str) -> str:
        """``key`` if the language has it, else ``fallback`` (e.g. ``gross.order`` → ``gross``)."""
        return self(key) if key in self._table else self(fallback)

    def variant(self, key: str, index: int) -> str:
        """Variant ``index`` of ``key`` (modulo the count): for multi-paragraph bodies."""
        variants = self._table.get(key) or EN[key]
        return variants[index % len(variants)]

    def has(self, key: str) -> bool:
        return key in self._table

    def variant_list(self, key: str) -> list[str]:
        return list(self._table.get(key) or EN[key])
