<?php
// An IPN listener as a merchant writes it from 2Checkout's IPN documentation ("IPN code
// samples", "Calculate the IPN HASH signature", "IPN read receipt response for 2Checkout"):
// it checks the signature of each notification POSTed to it and, when it holds, prints the
// read receipt that tells the sender the IPN arrived. Without a valid receipt the sender
// retries.
//
// run:   SECRET_KEY=... php -S 127.0.0.1:8081 samples/php/ipn-listener.php
//        and give http://127.0.0.1:8081/ as the merchant's IPN URL.
// Settings (environment):
//   SECRET_KEY      the merchant's secret key (required)
//   IPN_ALGORITHM   md5 (HASH, <EPAYMENT> receipt; the default), sha256 (SIGNATURE_SHA2_256)
//                   or sha3-256 (SIGNATURE_SHA3_256), both with a <sig> receipt
//   IPN_LOG         a file: one JSON line per IPN received (REFNO, ORDERSTATUS, IPN_DATE,
//                   whether its signature held, how many values it had, the HTTP status
//                   answered); no personal data
//   IPN_FAIL_FIRST  N: answer 500 to the first N IPNs, to watch the sender retry (counted in
//                   IPN_LOG.count, so IPN_LOG is needed)

// The signature field of each algorithm; all of them are left out of the signed string.
$signatureFields = array('md5' => 'HASH', 'sha256' => 'SIGNATURE_SHA2_256', 'sha3-256' => 'SIGNATURE_SHA3_256');

function setting($name, $default)
{
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
}

/** A configuration error: logged for the operator (php -S prints it), 500 for the sender. */
function refuse_to_run($message)
{
    error_log('ipn-listener.php: ' . $message);
    http_response_code(500);
    exit;
}

// "Calculate the IPN HASH signature": every value in the order received, arrays expanded,
// each prefixed by its length in bytes (strlen, not mb_strlen); an empty value is "0".
function serializeArray($array)
{
    global $signatureFields;
    $ret_value = '';
    foreach ($array as $key => $val) {
        if (in_array($key, $signatureFields, true)) {
            continue;
        }
        if (is_array($val)) {
            $ret_value .= serializeArray($val);
        } else {
            $ret_value .= strlen($val) . $val;
        }
    }
    return $ret_value;
}

function count_values($array)
{
    $n = 0;
    foreach ($array as $val) {
        $n += is_array($val) ? count_values($val) : 1;
    }
    return $n;
}

function posted($name)
{
    return (isset($_POST[$name]) && is_string($_POST[$name])) ? $_POST[$name] : null;
}

function first_of($name)
{
    return (isset($_POST[$name][0]) && is_string($_POST[$name][0])) ? $_POST[$name][0] : '';
}

function log_ipn($file, $valid, $status)
{
    if ($file === null) {
        return;
    }
    $line = array(
        'REFNO' => posted('REFNO'),
        'ORDERSTATUS' => posted('ORDERSTATUS'),
        'IPN_DATE' => posted('IPN_DATE'),
        'valid' => $valid,
        'fields' => count_values($_POST),
        'status' => $status
    );
    file_put_contents($file, json_encode($line, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND | LOCK_EX);
}

/** How many IPNs came before this one (the counter file beside IPN_LOG, under a lock). */
function count_request($file)
{
    $handle = fopen($file, 'c+');
    if ($handle === false || !flock($handle, LOCK_EX)) {
        refuse_to_run("cannot open $file");
    }
    $before = (int) stream_get_contents($handle);
    ftruncate($handle, 0);
    rewind($handle);
    fwrite($handle, (string) ($before + 1));
    fflush($handle);
    flock($handle, LOCK_UN);
    fclose($handle);
    return $before;
}

// 2Checkout checks the URL with a GET when it is set: answer 200.
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(200);
    return;
}

$secretKey = setting('SECRET_KEY', null);
$algorithm = setting('IPN_ALGORITHM', 'md5');
$logFile = setting('IPN_LOG', null);
$failFirst = (int) setting('IPN_FAIL_FIRST', '0');
if ($secretKey === null) {
    refuse_to_run('no SECRET_KEY');
}
if (!isset($signatureFields[$algorithm]) || !in_array($algorithm, hash_hmac_algos(), true)) {
    refuse_to_run("IPN_ALGORITHM $algorithm: use md5, sha256 or sha3-256");
}
if ($failFirst > 0 && $logFile === null) {
    refuse_to_run('IPN_FAIL_FIRST needs IPN_LOG (it counts in IPN_LOG.count)');
}

$stringForHash = serializeArray($_POST);
$computedHash = hash_hmac($algorithm, $stringForHash, $secretKey);
// "HASH fields values are case insensitive"; hash_equals compares in constant time.
$received = posted($signatureFields[$algorithm]);
$validHash = $received !== null && hash_equals($computedHash, strtolower($received));

if ($failFirst > 0 && count_request($logFile . '.count') < $failFirst) {
    log_ipn($logFile, $validHash, 500);
    http_response_code(500);
    echo "Not now (IPN_FAIL_FIRST).\n";
    return;
}

if (!$validHash) {
    log_ipn($logFile, false, 400);
    http_response_code(400);
    echo "Cannot verify signature.\n";
    return;
}

// The notification is genuine: this is where the merchant updates the order on its side.
log_ipn($logFile, true, 200);

// "IPN read receipt response": an HMAC over IPN_PID[0], IPN_PNAME[0], IPN_DATE and the
// listener's own date (YmdHis), length-prefixed as above.
$responseDate = gmdate('YmdHis');
$stringForResponseHash = serializeArray(array(first_of('IPN_PID'), first_of('IPN_PNAME'), posted('IPN_DATE') ?? '', $responseDate));
$responseHash = hash_hmac($algorithm, $stringForResponseHash, $secretKey);

header('Content-Type: text/html; charset=utf-8');
if ($algorithm === 'md5') {
    echo "<EPAYMENT>$responseDate|$responseHash</EPAYMENT>\n";
} else {
    echo "<sig algo=\"$algorithm\" date=\"$responseDate\">$responseHash</sig>\n";
}
