<?php
// Places an order for my_subscription_1 paid by the sandbox TEST card 4111111111111111 with
// positional params [$sessionID, $Order], and prints the Order ("Status": "AUTHRECEIVED").
// usage: php place-order.php [HOST [MERCHANT_CODE [SECRET_KEY]]]
require __DIR__ . '/login.php';

$Order = new stdClass();
$Order->Currency = 'usd';
$Order->Country = 'us';
$Order->Language = 'en';
$Order->ExternalReference = 'PHP_SAMPLE_CARD';
$Order->Items = array();
$Order->Items[0] = new stdClass();
$Order->Items[0]->Code = 'my_subscription_1';
$Order->Items[0]->Quantity = 1;

$Order->BillingDetails = new stdClass();
$Order->BillingDetails->FirstName = 'John';
$Order->BillingDetails->LastName = 'Doe';
$Order->BillingDetails->CountryCode = 'us';
$Order->BillingDetails->State = 'CA';
$Order->BillingDetails->City = 'Los Angeles';
$Order->BillingDetails->Address1 = '1 Main St';
$Order->BillingDetails->Zip = '90210';
$Order->BillingDetails->Email = 'john.doe@example.com';

$Order->PaymentDetails = new stdClass();
$Order->PaymentDetails->Type = 'TEST';
$Order->PaymentDetails->Currency = 'usd';
$Order->PaymentDetails->CustomerIP = '10.0.0.1';
$Order->PaymentDetails->PaymentMethod = new stdClass();
$Order->PaymentDetails->PaymentMethod->CardNumber = '4111111111111111';
$Order->PaymentDetails->PaymentMethod->CardType = 'visa';
$Order->PaymentDetails->PaymentMethod->ExpirationYear = (string) ((int) gmdate('Y') + 3);
$Order->PaymentDetails->PaymentMethod->ExpirationMonth = '12';
$Order->PaymentDetails->PaymentMethod->HolderName = 'John Doe';
$Order->PaymentDetails->PaymentMethod->CCID = '123';
$Order->PaymentDetails->PaymentMethod->Vendor3DSReturnURL = 'https://example.com/3ds/return';
$Order->PaymentDetails->PaymentMethod->Vendor3DSCancelURL = 'https://example.com/3ds/cancel';

$jsonRpcRequest = array(
    'method' => 'placeOrder',
    'params' => array($sessionID, $Order),
    'id' => $i++,
    'jsonrpc' => '2.0'
);

$order = callRPC($jsonRpcRequest, $host);
print_json($order);
