// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title Settlement
/// @notice Pays for a use of a model in the native token and splits the fee: the model owner's part
///         (fixed at registration) and the contributors' part, divided by an attribution shares root.
///         Everyone pulls what they are owed; nothing loops over contributors.
/// @dev A share's leaf is OpenZeppelin's StandardMerkleTree leaf of (uint256 index, address account,
///      uint256 amount): keccak256(bytes.concat(keccak256(abi.encode(index, account, amount)))).
///      Each index of a payment is claimable once (a bitmap); the amounts of a root may not add up
///      to more than the contributors' part, and a claim beyond what is left reverts.
contract Settlement is ReentrancyGuard {
    struct Payment {
        bytes32 adapterHash;
        bytes32 sharesRoot;
        address payer;
        uint128 contributorsPart;
        uint128 claimed;
    }

    ModelRegistry public immutable models;

    Payment[] private _payments;
    mapping(uint256 paymentId => mapping(uint256 word => uint256 bits)) private _claimedBits;
    mapping(address account => uint256) private _ownerBalances;

    /// @notice A fee was paid for a use of a model; `attributionUri` points to the signed attribution.
    event FeePaid(
        uint256 indexed paymentId, bytes32 indexed adapterHash, address indexed payer, uint256 fee, uint256 ownerPart, uint256 contributorsPart, bytes32 sharesRoot, string attributionUri
    );
    /// @notice A contributor's share of a payment was claimed and sent.
    event ShareClaimed(uint256 indexed paymentId, uint256 indexed index, address indexed account, uint256 amount);
    /// @notice A model owner withdrew their accumulated parts.
    event OwnerWithdrawal(address indexed owner, uint256 amount);

    error ZeroFee();
    error ZeroRoot();
    error FeeTooLarge(uint256 fee);
    error UnknownPayment(uint256 paymentId);
    error AlreadyClaimed(uint256 paymentId, uint256 index);
    error InvalidProof(uint256 paymentId, uint256 index);
    error ExceedsContributorsPart(uint256 paymentId, uint256 amount, uint256 left);
    error NothingToWithdraw(address owner);
    error TransferFailed(address to, uint256 amount);

    /// @param modelRegistry The registry whose fee splits this contract applies.
    constructor(ModelRegistry modelRegistry) {
        models = modelRegistry;
    }

    /// @notice Pays `msg.value` for a use of model `adapterHash`, with the contributors' shares committed by `sharesRoot`.
    /// @param adapterHash The registered model that was used.
    /// @param sharesRoot Merkle root of (index, account, amount) shares of the contributors' part.
    /// @param attributionUri Where the signed attribution record behind the shares can be fetched.
    /// @return paymentId The id claims refer to.
    function pay(bytes32 adapterHash, bytes32 sharesRoot, string calldata attributionUri) external payable returns (uint256 paymentId) {
        if (msg.value == 0) revert ZeroFee();
        if (msg.value > type(uint128).max) revert FeeTooLarge(msg.value);
        if (sharesRoot == bytes32(0)) revert ZeroRoot();
        (address owner, uint16 ownerShareBps) = models.feeSplit(adapterHash);
        uint256 ownerPart = (msg.value * ownerShareBps) / models.MAX_BPS();
        uint256 contributorsPart = msg.value - ownerPart;
        _ownerBalances[owner] += ownerPart;
        paymentId = _payments.length;
        _payments.push(Payment(adapterHash, sharesRoot, msg.sender, uint128(contributorsPart), 0));
        emit FeePaid(paymentId, adapterHash, msg.sender, msg.value, ownerPart, contributorsPart, sharesRoot, attributionUri);
    }

    /// @notice Sends share `index` of payment `paymentId` to `account`; anyone may call, the money goes to `account`.
    /// @param paymentId The payment.
    /// @param index The share's index in the shares tree.
    /// @param account Who the share belongs to.
    /// @param amount The share in wei.
    /// @param proof Sibling hashes from the share's leaf to the payment's shares root.
    function claim(uint256 paymentId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external nonReentrant {
        if (paymentId >= _payments.length) revert UnknownPayment(paymentId);
        if (isClaimed(paymentId, index)) revert AlreadyClaimed(paymentId, index);
        Payment storage p = _payments[paymentId];
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, p.sharesRoot, leaf)) revert InvalidProof(paymentId, index);
        uint256 left = p.contributorsPart - p.claimed;
        if (amount > left) revert ExceedsContributorsPart(paymentId, amount, left);
        // Effects before the transfer: a re-entrant call sees the share as claimed.
        _claimedBits[paymentId][index >> 8] |= 1 << (index & 0xff);
        p.claimed += uint128(amount);
        emit ShareClaimed(paymentId, index, account, amount);
        _send(account, amount);
    }

    /// @notice Sends the caller every owner part accumulated for their models.
    function withdraw() external nonReentrant {
        uint256 amount = _ownerBalances[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _ownerBalances[msg.sender] = 0;
        emit OwnerWithdrawal(msg.sender, amount);
        _send(msg.sender, amount);
    }

    /// @notice Whether share `index` of payment `paymentId` was claimed.
    /// @param paymentId The payment.
    /// @param index The share's index.
    /// @return True when claimed.
    function isClaimed(uint256 paymentId, uint256 index) public view returns (bool) {
        return _claimedBits[paymentId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @notice A payment's model, shares root, payer, contributors' part and how much of it was claimed.
    /// @param paymentId The payment.
    /// @return The payment.
    function payment(uint256 paymentId) external view returns (Payment memory) {
        if (paymentId >= _payments.length) revert UnknownPayment(paymentId);
        return _payments[paymentId];
    }

    /// @notice How many payments were made.
    /// @return The count; payment ids run from 0 to count - 1.
    function paymentCount() external view returns (uint256) {
        return _payments.length;
    }

    /// @notice The owner parts `owner` can withdraw.
    /// @param owner A model owner.
    /// @return The balance in wei.
    function ownerBalance(address owner) external view returns (uint256) {
        return _ownerBalances[owner];
    }

    function _send(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
